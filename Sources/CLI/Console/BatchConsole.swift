import Foundation
import Logging
import LongtailRun
import LongtailSupport

/// Shows a batch's progress on stderr: a live line on a terminal, structured log lines
/// (swift-log) every `logEvery` seconds otherwise. Never touches stdout.
final class ProgressDisplay: @unchecked Sendable {
    private let board: BatchProgress
    private let timer: DispatchSourceTimer
    private let tty = isatty(2) != 0
    private var logger = Logger(label: "longtail.scan")

    init(_ board: BatchProgress, logEvery: Double = 10) {
        self.board = board
        LoggingSystem.bootstrapOnce()
        timer = DispatchSource.makeTimerSource(queue: .global())
        let every = tty ? 0.5 : logEvery
        timer.schedule(deadline: .now() + every, repeating: every)
        timer.setEventHandler { [weak self] in self?.show() }
        timer.resume()
    }

    private func show() {
        let s = board.snapshot()
        let eta = s.eta.map { String(format: "%.0f s", $0) } ?? "?"
        if tty {
            let stage = s.stage.map { " — \($0)" } ?? ""
            let line = String(format: "scan: %d/%d files, %@/%@, %.0f MB/s, ETA %@, %d events%@", s.filesDone, s.filesTotal,
                              Formatting.bytes(UInt64(s.bytesDone)), Formatting.bytes(UInt64(s.bytesTotal)),
                              s.megabytesPerSecond, eta, s.events, stage)
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
        } else {
            logger.info("progress", metadata: [
                "files": "\(s.filesDone)/\(s.filesTotal)", "failed": "\(s.failed)", "bytes": "\(s.bytesDone)/\(s.bytesTotal)",
                "mb_per_s": "\(String(format: "%.1f", s.megabytesPerSecond))", "eta_s": "\(s.eta.map { String(format: "%.0f", $0) } ?? "?")",
                "events": "\(s.events)", "stage": "\(s.stage ?? "scanning")",
            ])
        }
    }

    /// Stops and leaves the terminal on a fresh line (with a last update).
    func finish() {
        timer.cancel()
        show()
        if tty { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

extension LoggingSystem {
    private static let once: Void = { LoggingSystem.bootstrap(StreamLogHandler.standardError) }()
    static func bootstrapOnce() { _ = once }
}

/// SIGINT: the first asks the batch to stop after the files in flight (outputs stay
/// consistent); a second one exits at once.
final class InterruptHandler: @unchecked Sendable {
    let flag = CancelFlag()
    private let source: DispatchSourceSignal

    init() {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [flag] in
            if flag.isSet { Foundation.exit(130) }
            flag.set()
            FileHandle.standardError.write(Data("\nlongtail: interrupted: finishing the files in flight, then writing what is done (Ctrl-C again to stop at once)\n".utf8))
        }
        source.resume()
    }
}
