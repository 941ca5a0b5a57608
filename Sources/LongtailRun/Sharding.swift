import LongtailSupport

/// Which files a shard scans: each file's key (its path below the directory named on the
/// command line, or its file name) hashed (FNV-1a), modulo the shard count. The same file
/// lands in the same shard whatever the listing order, the machine or the other files.
public struct ShardSpec: Sendable, Equatable {
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) { self.index = index; self.count = count }

    /// Why a shard cannot be worked out.
    public struct Invalid: Error, CustomStringConvertible, Sendable {
        public var message: String
        public var description: String { message }
    }

    /// The shard from the flags, else from Slurm (`SLURM_ARRAY_TASK_ID` minus
    /// `SLURM_ARRAY_TASK_MIN`, of `SLURM_ARRAY_TASK_COUNT`), else from Kubernetes
    /// (`JOB_COMPLETION_INDEX`, with `--shard-count`); nil: not sharded.
    public static func resolve(index: Int?, count: Int?, environment env: [String: String]) throws(Invalid) -> ShardSpec? {
        var i = index, n = count
        var from = "--shard-index"
        if i == nil, let id = env["SLURM_ARRAY_TASK_ID"].flatMap(Int.init) {
            i = id - (env["SLURM_ARRAY_TASK_MIN"].flatMap(Int.init) ?? 0)
            n = n ?? env["SLURM_ARRAY_TASK_COUNT"].flatMap(Int.init)
            from = "SLURM_ARRAY_TASK_ID"
        } else if i == nil, let k = env["JOB_COMPLETION_INDEX"].flatMap(Int.init) {
            i = k
            from = "JOB_COMPLETION_INDEX"
            guard n != nil else { throw Invalid(message: "JOB_COMPLETION_INDEX is set: pass --shard-count (the Job's completions)") }
        }
        switch (i, n) {
        case (nil, nil): return nil
        case (nil, .some): throw Invalid(message: "--shard-count needs --shard-index (or SLURM_ARRAY_TASK_ID / JOB_COMPLETION_INDEX)")
        case (.some, nil): throw Invalid(message: "--shard-index needs --shard-count")
        case (.some(let i), .some(let n)):
            guard n >= 1 else { throw Invalid(message: "the shard count must be at least 1, not \(n)") }
            guard (0..<n).contains(i) else { throw Invalid(message: "\(from) gives shard \(i), outside 0..<\(n)") }
            return ShardSpec(index: i, count: n)
        }
    }

    /// Whether the file with this key belongs to the shard.
    public func owns(_ key: String) -> Bool { Int(Self.hash(key) % UInt64(count)) == index }

    /// The hash that places a file (FNV-1a of its key).
    static func hash(_ s: String) -> UInt64 { FNV1a.hash(s) }
}
