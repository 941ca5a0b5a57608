import Foundation

/// Runs jobs in the order given on one thread of its own, at most `depth` waiting at a time
/// (`submit` blocks while the queue is full, so a fast producer cannot pile up work and
/// memory). The first job that throws stops the rest; its error comes back from the next
/// `submit` or from `finish`.
///
/// The jobs may touch state the submitting thread never touches while they run (HDF5 writers
/// in `ResultWriter`): the caller promises that, which is why jobs need not be `Sendable`.
public final class SerialWorker: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [() throws -> Void] = []
    private var closed = false
    private var failure: (any Error)?
    private let depth: Int
    private let done = DispatchSemaphore(value: 0)

    /// Starts the thread. `depth`: jobs that may wait beside the one running.
    public init(depth: Int = 2, stackSize: Int = 8 << 20) {
        self.depth = max(1, depth)
        let thread = Thread { [self] in loop() }
        thread.stackSize = stackSize
        thread.start()
    }

    /// Queues `job` behind the ones before it.
    /// - Throws: the error of an earlier job that failed (this one is then not run).
    public func submit(_ job: @escaping () throws -> Void) throws {
        condition.lock()
        defer { condition.unlock() }
        while jobs.count >= depth && failure == nil { condition.wait() }
        if let failure { throw failure }
        jobs.append(job)
        condition.broadcast()
    }

    /// Waits for every queued job and ends the thread. Call it on every path (a `defer`
    /// on error paths): the thread waits for jobs until then. Later calls return at once.
    /// - Throws: the first job's error, if one failed.
    public func finish() throws {
        condition.lock()
        let first = !closed
        closed = true
        condition.broadcast()
        condition.unlock()
        if first { done.wait() }
        if let failure { throw failure }
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty && !closed { condition.wait() }
            if jobs.isEmpty || failure != nil { condition.unlock(); break }
            let job = jobs.removeFirst()
            condition.unlock()
            do { try job() } catch {
                condition.lock()
                failure = error
                jobs.removeAll()
                condition.broadcast()
                condition.unlock()
            }
            condition.lock()
            condition.broadcast()
            condition.unlock()
        }
        done.signal()
    }
}
