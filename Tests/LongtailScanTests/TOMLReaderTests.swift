import Foundation
import Testing
import TestSupport
@testable import LongtailScan

/// The profile TOML reader against Python's `tomllib` (an independent implementation), on
/// every shipped profile and on tricky documents; and on hostile text (issue 17: the C++
/// parser it replaces aborted on `[Û` and on `s=[0,` followed by U+2028).
@Suite struct TOMLReaderTests {
    static let tricky: [String] = [
        "a = 1\nb = -2_000\nc = 0x1F\nd = 0o17\ne = 0b101\nf = 1.5e3\ng = -0.25\nh = true\ni = false\n",
        "s = \"tab\\tq\\\"u\\u00e9\\U0001F600\"\nl = 'C:\\path'\n",
        "m = \"\"\"\nline one\nline two \\\n   joined\"\"\"\nn = '''\nraw \\n text'''\n",
        "[a.b]\nc = 1\n[a]\nd = 2\n",
        "[[x]]\nk = 1\n[[x]]\nk = 2\n[x.sub]\nz = 3\n",
        "t = { \"0\" = \"car\", '1' = \"truck\", bare = [1, 2, 3] }\n",
        "arr = [\n  1, # one\n  2,\n]\nnested = [[1, 2], [\"a\"], []]\n",
        "\"quoted key\" = 1\nsite.\"google.com\" = true\n",
        "# only a comment\n\n   \n",
        "a = 1 # trailing\n[t] # comment\nb = 'x'\n",
        "a.b.c = 1\na.b.d = 2\n",
    ]

    static let invalid: [String] = [
        "[\u{00DB}", "s=[0,\u{2028}", "a = 1\na = 2\n", "[t]\n[t]\n", "a = \n", "a = 01\n", "a = 1__0\n", "a = \"unterminated\n",
        "a = [1 2]\n", "a = {b = 1\n", "= 1\n", "a = 1 b = 2\n", "[a\nb = 1\n", "a = 1979-05-27\n", "a = inf\n", "a = 0x\n",
        "x = 1\nx.y = 2\n", "a = 'bad\u{0001}'\n", "a = tru\n", String(repeating: "[", count: 100_000), "a = " + String(repeating: "[", count: 10_000),
    ]

    static func json(_ table: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: table, options: [.sortedKeys]), as: UTF8.self)
    }

    @Test func agreesWithPythonsTomllib() throws {
        guard let python = TestSupport.interopPython else { Issue.record("no Python: run scripts/bootstrap.sh"); return }
        let dir = TestSupport.temporaryDirectory("toml")
        defer { try? FileManager.default.removeItem(at: dir) }
        var docs = Self.tricky + Self.invalid.prefix(19)
        docs += BuiltinProfiles.names.map { BuiltinProfiles.text[$0]! }
        let profiles = TestSupport.repoRoot.appendingPathComponent("docs/profiles")
        for f in try FileManager.default.contentsOfDirectory(atPath: profiles.path).sorted() where f.hasSuffix(".toml") {
            docs.append(try String(contentsOf: profiles.appendingPathComponent(f), encoding: .utf8))
        }
        var paths: [String] = []
        for (k, d) in docs.enumerated() {
            let p = dir.appendingPathComponent("\(k).toml").path
            try Data(d.utf8).write(to: URL(fileURLWithPath: p))
            paths.append(p)
        }
        let r = try TestSupport.run(python, [TestSupport.repoRoot.appendingPathComponent("Tests/Interop/toml_to_json.py").path] + paths)
        try #require(r.status == 0, "\(r.stderr)")
        let expected = r.stdoutText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (k, d) in docs.enumerated() {
            let ours: String
            do { ours = try Self.json(try TOMLReader.parse(d)) } catch { ours = "ERROR" }
            guard expected[k] != "ERROR", expected[k] != "UNSUPPORTED", ours != "ERROR" else {
                #expect(expected[k].replacingOccurrences(of: "UNSUPPORTED", with: "ERROR") == ours, "document \(k): tomllib \(expected[k].prefix(80)), ours \(ours.prefix(80))\n\(d.prefix(200))")
                continue
            }
            // Compare as parsed JSON (number spellings differ: 1500.0 vs 1500).
            let a = try JSONSerialization.jsonObject(with: Data(expected[k].utf8)) as? NSDictionary
            let b = try JSONSerialization.jsonObject(with: Data(ours.utf8)) as? NSDictionary
            #expect(a == b, "document \(k):\n\(d.prefix(300))\ntomllib \(expected[k])\nours    \(ours)")
        }
    }

    @Test func hostileTextGivesLineAndColumn() {
        for d in Self.invalid {
            do { _ = try TOMLReader.parse(d); Issue.record("accepted \(d.prefix(40).debugDescription)") } catch {
                #expect(error.line >= 1 && error.column >= 1)
            }
        }
        do { _ = try TOMLReader.parse("a = 1\nb = [1,\n  2 3]\n") } catch {
            #expect(error.line == 3 && error.column == 5, "\(error)")
        }
    }

    /// Random mutations of every built-in profile (bytes replaced, inserted, deleted; lines
    /// swapped): each gives a table or a syntax error; the process survives all of them.
    @Test func mutatedProfilesNeverCrash() {
        var rng = SystemRandomNumberGenerator()
        let seeds = BuiltinProfiles.names.map { Array(BuiltinProfiles.text[$0]!.utf8) }
        let alphabet = Array("[]{}=\"'#,.\n\\ \t0123456789.eE+-_xobtruefalsn\u{00DB}\u{2028}\u{FEFF}".utf8) + [0, 0x7F, 0xC3, 0xFF]
        var parsed = 0
        for n in 0..<10_000 {
            var b = seeds[n % seeds.count]
            for _ in 0..<(1 + Int.random(in: 0..<4, using: &rng)) where !b.isEmpty {
                let at = Int.random(in: 0..<b.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: b[at] = alphabet.randomElement(using: &rng)!
                case 1: b.insert(alphabet.randomElement(using: &rng)!, at: at)
                default: b.remove(at: at)
                }
            }
            if (try? TOMLReader.parse(String(decoding: b, as: UTF8.self))) != nil { parsed += 1 }
        }
        #expect(parsed > 0 && parsed < 10_000)
    }
}
