import Foundation
import Testing
import TestSupport

/// A one-node Slurm cluster (`../shared/slurm/single-node.sh`) runs a 4-task array over a
/// synth archive (each task finds its shard in SLURM_ARRAY_TASK_ID / _COUNT) and a merge job
/// submitted with `--dependency=afterok`; the result equals a single-process run.
@Suite(.serialized) struct SlurmTests {
    static let script = TestSupport.repoRoot.deletingLastPathComponent().appendingPathComponent("shared/slurm/single-node.sh").path

    static func tool(_ name: String) -> String? {
        for dir in ["/usr/bin", "/usr/sbin", "/usr/local/bin"] where FileManager.default.isExecutableFile(atPath: dir + "/" + name) {
            return dir + "/" + name
        }
        return nil
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: script), "../shared/slurm/single-node.sh is absent (../shared is not beside the repository)"),
          .enabled(if: getuid() == 0, "single-node.sh starts munge and the Slurm daemons, which needs root"))
    func arrayJobAndMergeEqualOneProcess() throws {
        guard let sbatch = Self.tool("sbatch"), Self.tool("slurmctld") != nil else {
            Issue.record("Slurm is not installed: scripts/test.sh installs slurmctld slurmd slurm-client munge"); return
        }
        let dir = TestSupport.temporaryDirectory("slurm")
        defer { try? FileManager.default.removeItem(at: dir) }
        let state = dir.appendingPathComponent("cluster").path
        // TestSupport.run closes every other descriptor in the child, so the daemons this
        // starts (munged among them) hold nothing of the test process's.
        let up = try TestSupport.run("/bin/sh", ["-c", "\"$0\" start \"$1\" > \"$1.log\" 2>&1", Self.script, state], timeout: 120)
        defer { _ = try? TestSupport.run(Self.script, ["stop", state], timeout: 60) }
        #expect(up.status == 0, "single-node.sh start: \((try? String(contentsOfFile: state + ".log", encoding: .utf8)) ?? "")")
        guard up.status == 0 else { return }
        let conf = "SLURM_CONF=\(state)/slurm.conf"
        let input = try BatchCLITests.archive(dir, files: 8, duration: "2m", seed: 21)
        let out = dir.appendingPathComponent("out").path
        // The array: one scan per task, the shard taken from Slurm's environment.
        let job = dir.appendingPathComponent("scan.sbatch").path
        try """
            #!/bin/bash
            #SBATCH --array=0-3
            #SBATCH --output=\(out)/slurm-%A_%a.log
            exec \(CLITests.binary) scan \(input) --out \(out)/shard-$SLURM_ARRAY_TASK_ID --threads 1
            """.write(toFile: job, atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let array = try TestSupport.run("/usr/bin/env", [conf, sbatch, "--parsable", job], timeout: 60)
        #expect(array.status == 0, "\(array.stderr)")
        let id = array.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        let shards = (0..<4).map { "\(out)/shard-\($0)" }
        let merge = try TestSupport.run("/usr/bin/env", [conf, sbatch, "--parsable", "--wait", "--dependency=afterok:\(id)",
                                                         "--output=\(out)/merge.log",
                                                         "--wrap", "\(CLITests.binary) merge \(shards.joined(separator: " ")) --out \(out)/merged"],
                                     timeout: 300)
        let log = (try? String(contentsOfFile: out + "/merge.log", encoding: .utf8)) ?? ""
        #expect(merge.status == 0, "merge job: \(merge.stderr) \(log)")
        for s in shards {
            let m = try String(contentsOfFile: s + "/.work/shard.json", encoding: .utf8)
            #expect(m.contains("\"complete\" : true") && m.contains("\"count\" : 4"), "\(s): \(m)")
        }
        let single = dir.appendingPathComponent("single").path
        let r = try TestSupport.run(CLITests.binary, ["scan", input, "--out", single])
        #expect(r.status == 0, "\(r.stderr)")
        BatchCLITests.compare(try BatchCLITests.outputs(single), try BatchCLITests.outputs(out + "/merged"), "Slurm array + merge")
    }
}
