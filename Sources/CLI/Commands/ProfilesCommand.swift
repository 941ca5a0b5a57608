import ArgumentParser
import Foundation
import LongtailScan
import LongtailSupport

struct ProfilesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profiles",
        abstract: "List the built-in profiles (pass one, or a TOML file, to scan --profile).",
        discussion: """
        docs/profiles.md describes the profile format; --show NAME prints a built-in profile's TOML to start from; \
        `longtail profiles infer FILE...` writes one for logs Longtail has not seen.
        """,
        subcommands: [ProfilesInferCommand.self]
    )

    @Option(help: "Print this built-in profile's TOML.")
    var show: String?

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Option(help: "text, or json: one array of {name, domain, rate_hz, signals, actors, description, cannot_detect}.")
    var format: Format = .text

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
        if format == .json {
            var j = JSONText()
            j.raw("[")
            for (i, name) in BuiltinProfiles.names.enumerated() {
                let p = try Profile.load(name)
                if i > 0 { j.raw(",\n") }
                j.raw("{"); j.key("name", first: true); j.string(name); j.key("domain"); j.string(p.domain.rawValue)
                j.key("rate_hz"); j.double(p.rateHz); j.key("signals"); j.raw("[")
                for (k, sig) in p.signals.enumerated() { if k > 0 { j.raw(",") }; j.string(sig.name) }
                j.raw("]"); j.key("actors"); j.raw(p.actors != nil ? "true" : "false")
                j.key("description"); j.string(p.description); j.key("cannot_detect"); j.raw("[")
                for (k, d) in p.disabledEvents.enumerated() { if k > 0 { j.raw(",") }; j.string(d.event) }
                j.raw("]}")
            }
            j.raw("]")
            stdout.line(j.text)
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
