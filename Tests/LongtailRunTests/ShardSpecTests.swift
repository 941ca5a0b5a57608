import Testing
@testable import LongtailRun

/// Which shard scans which file: a pure function of the file's key and the shard count.
@Suite struct ShardSpecTests {
    static let keys = (0..<2000).map { "day-\($0 / 100)/drive-\(String(format: "%04d", $0)).mcap" }

    @Test(arguments: [1, 2, 3, 7, 64])
    func everyFileLandsInExactlyOneShard(count: Int) {
        let shards = (0..<count).map { ShardSpec(index: $0, count: count) }
        for key in Self.keys { #expect(shards.filter { $0.owns(key) }.count == 1, "\(key)") }
        // Spread: no shard takes more than twice its share of 2000 keys.
        let sizes = shards.map { s in Self.keys.filter(s.owns).count }
        #expect(sizes.allSatisfy { $0 <= 2 * Self.keys.count / count + 2 }, "\(sizes)")
    }

    /// FNV-1a of the key modulo the count, independent of the other files and their order:
    /// the published FNV-1a vector for "a" is 0xaf63dc4c8601ec8c, which is 1 mod 3.
    @Test func placementIsFNV1aOfTheKey() {
        #expect(ShardSpec.hash("a") == UInt64(0xaf63dc4c8601ec8c))
        #expect(ShardSpec(index: Int(UInt64(0xaf63dc4c8601ec8c) % 3), count: 3).owns("a"))
        #expect(ShardSpec(index: Int(UInt64(0xaf63dc4c8601ec8c) % 5), count: 5).owns("a"))
    }

    @Test func shardsComeFromFlagsSlurmOrKubernetes() throws {
        #expect(try ShardSpec.resolve(index: nil, count: nil, environment: [:]) == nil)
        #expect(try ShardSpec.resolve(index: 2, count: 4, environment: [:]) == ShardSpec(index: 2, count: 4))
        let slurm = ["SLURM_ARRAY_TASK_ID": "13", "SLURM_ARRAY_TASK_MIN": "10", "SLURM_ARRAY_TASK_COUNT": "5"]
        #expect(try ShardSpec.resolve(index: nil, count: nil, environment: slurm) == ShardSpec(index: 3, count: 5))
        #expect(try ShardSpec.resolve(index: 1, count: 2, environment: slurm) == ShardSpec(index: 1, count: 2), "flags win")
        #expect(try ShardSpec.resolve(index: nil, count: 6, environment: ["JOB_COMPLETION_INDEX": "5"]) == ShardSpec(index: 5, count: 6))
        #expect { try ShardSpec.resolve(index: nil, count: nil, environment: ["JOB_COMPLETION_INDEX": "5"]) } throws: {
            "\($0)".contains("--shard-count")
        }
        #expect { try ShardSpec.resolve(index: 4, count: 4, environment: [:]) } throws: { "\($0)".contains("outside 0..<4") }
        #expect { try ShardSpec.resolve(index: nil, count: 3, environment: [:]) } throws: { "\($0)".contains("needs --shard-index") }
        #expect { try ShardSpec.resolve(index: 0, count: 0, environment: [:]) } throws: { "\($0)".contains("at least 1") }
    }
}
