import Foundation
import Testing
import TestSupport

/// The test runner's own process handling: a command that leaves a daemon behind returns when
/// the command ends (CI once hung 90 minutes on munged holding Foundation's exit-notification
/// socket), and a command that never ends is killed at its timeout, its group with it.
@Suite struct ChildProcessTests {
    @Test func aLeftoverDaemonDoesNotHoldTheRun() throws {
        let t0 = Date()
        let r = try TestSupport.run("/bin/sh", ["-c", "sleep 60 & echo $!"], timeout: 30)
        #expect(Date().timeIntervalSince(t0) < 20, "run waited for the background sleep")
        let pid = try #require(pid_t(r.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)), "\(r.status) \(r.stderr)")
        #expect(r.status == 0)
        kill(pid, SIGKILL)
    }

    @Test func aHungCommandIsKilledAtItsTimeout() throws {
        let t0 = Date()
        let r = try TestSupport.run("/bin/sh", ["-c", "sleep 300 & sleep 300"], timeout: 1)
        #expect(r.status == -1 && r.stderr.contains("killed after 1 s"), "\(r.status) \(r.stderr)")
        #expect(Date().timeIntervalSince(t0) < 30)
    }

    @Test func exitCodesSignalsAndStdinArriveIntact() throws {
        #expect(try TestSupport.run("/bin/sh", ["-c", "exit 3"]).status == 3)
        #expect(try TestSupport.run("/bin/sh", ["-c", "kill -TERM $$"]).status == 128 + SIGTERM)
        let r = try TestSupport.run("/bin/cat", [], stdin: Data("a\nb\n".utf8))
        #expect(r.stdoutText == "a\nb\n")
        let empty = try TestSupport.run("/bin/cat", [])
        #expect(empty.status == 0 && empty.stdout.isEmpty)
        let fds = try TestSupport.run("/bin/sh", ["-c", "ls /proc/self/fd"])
        // 0, 1, 2 and the descriptor ls opens to read the folder: nothing of the test process.
        #expect(fds.stdoutText.split(separator: "\n").count <= 4, "\(fds.stdoutText)")
    }
}
