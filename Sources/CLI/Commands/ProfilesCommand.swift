import ArgumentParser
import Foundation
import LongtailScan

struct ProfilesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profiles",
        abstract: "List the built-in profiles (pass one, or a TOML file, to scan --profile).",
        discussion: "docs/profiles.md describes the profile format; --show NAME prints a built-in profile's TOML to start from."
    )

    @Option(help: "Print this built-in profile's TOML.")
    var show: String?

    func run() throws {
        let stdout = StandardOutput()
        defer { stdout.flush() }
        if let show {
            guard let text = BuiltinProfiles.text[show] else {
                throw ValidationError("no built-in profile '\(show)'; built-in: \(BuiltinProfiles.names.joined(separator: ", "))")
            }
            stdout.line(text)
            return
        }
        for name in BuiltinProfiles.names {
            let p = try Profile.load(name)
            let off = p.disabledEvents.map(\.event)
            stdout.line("\(name)  [\(p.domain.rawValue), \(Int(p.rateHz)) Hz, \(p.signals.count) signals\(p.actors != nil ? " + actors" : "")]")
            stdout.line("    \(p.description)")
            if !off.isEmpty { stdout.line("    cannot detect: \(off.joined(separator: ", "))") }
        }
    }
}
