import Testing
@testable import LongtailCore

@Suite struct RarityModelTests {
    struct Rng {
        var s: UInt64
        mutating func next() -> UInt64 { s &+= 0x9E37_79B9_7F4A_7C15; var z = s; z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9; z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB; return z ^ (z >> 31) }
        mutating func gauss() -> Double {
            var t = 0.0
            for _ in 0..<12 { t += Double(next() >> 11) / Double(UInt64(1) << 53) }
            return t - 6
        }
    }

    /// 5000 ordinary vectors and 50 rare ones (one or two features far out).
    static func data() -> (vectors: [[Double]], rare: Set<Int>) {
        var rng = Rng(s: 42)
        var out: [[Double]] = []
        var rare: Set<Int> = []
        for i in 0..<5050 {
            var v = (0..<6).map { _ in rng.gauss() }
            v[5] = 9.81 + 0.05 * v[5]
            if i % 101 == 0 {
                rare.insert(i)
                v[Int(rng.next() % 5)] = (rng.next() % 2 == 0 ? 1 : -1) * (6 + 3 * abs(rng.gauss()))
                if i % 2 == 0 { v[5] = .nan }
            }
            out.append(v)
        }
        return (out, rare)
    }

    static let names = ["ax_min", "ax_max", "ay_max", "jerk", "yaw", "az_mean"]

    @Test func mergedShardsEqualOnePass() throws {
        let (vectors, _) = Self.data()
        var single = RarityModel(features: Self.names, scales: [1, 1, 1, 1, 0.1, 10])
        for v in vectors { single.add(v) }
        // Four shards of uneven sizes, merged in a different order.
        let cuts = [0, 700, 2900, 3100, vectors.count]
        var shards: [RarityModel] = []
        for k in 0..<4 {
            var m = RarityModel(features: Self.names, scales: [1, 1, 1, 1, 0.1, 10])
            for v in vectors[cuts[k]..<cuts[k + 1]] { m.add(v) }
            shards.append(m)
        }
        var merged = shards[2]
        for k in [0, 3, 1] { try merged.merge(shards[k]) }
        #expect(merged == single)
        let a = vectors.map(single.score), b = vectors.map(merged.score)
        #expect(a.map(\.bitPattern) == b.map(\.bitPattern))
        #expect(throws: RarityModel.Mismatch.self) { try merged.merge(RarityModel(features: ["other"])) }
    }

    /// A batch keeps each segment's bins instead of its features: counting and scoring by
    /// bins must give the model and the scores of the vectors themselves, bit for bit.
    @Test func binsCountAndScoreExactlyLikeTheVectors() {
        let (vectors, _) = Self.data()
        var byVector = RarityModel(features: Self.names, scales: [1, 1, 1, 1, 0.1, 10]), byBins = byVector
        for v in vectors { byVector.add(v) }
        let bins = vectors.map(byBins.bins(of:))
        for b in bins { byBins.add(bins: b) }
        #expect(byBins == byVector)
        #expect(bins[0].count == Self.names.count && bins.allSatisfy { $0.allSatisfy { Int($0) <= RarityModel.bins } })
        #expect(zip(vectors, bins).allSatisfy { v, b in byVector.score(v).bitPattern == byVector.score(bins: b).bitPattern })
        #expect(byVector.bins(of: [.nan, 0, 0, 0, 0, 0])[0] == UInt16(RarityModel.bins), "NaN has its own bin")
    }

    @Test func rareVectorsGetHighPercentiles() {
        let (vectors, rare) = Self.data()
        var model = RarityModel(features: Self.names, scales: [1, 1, 1, 1, 0.1, 10])
        for v in vectors { model.add(v) }
        let pct = RarityModel.percentiles(of: vectors.map(model.score))
        let rarePct = rare.sorted().map { pct[$0] }.sorted()
        let normal = vectors.indices.filter { !rare.contains($0) }.map { pct[$0] }.sorted()
        #expect(rarePct[rarePct.count / 2] >= 0.95, "median rare percentile \(rarePct[rarePct.count / 2])")
        #expect(normal[normal.count / 2] <= 0.6, "median ordinary percentile \(normal[normal.count / 2])")
    }

    @Test func percentilesAreRanks() {
        #expect(RarityModel.percentiles(of: [3, 1, 2, 2]) == [1.0, 0.25, 0.75, 0.75])
        #expect(RarityModel.percentiles(of: []) == [])
    }
}

/// A sensor value of ±inf is data, not a trap (issue 17: `RarityModel.swift:41` trapped).
@Suite struct RarityInfinityTests {
    @Test func infinitiesLandInTheOutermostBins() {
        var m = RarityModel(features: ["a"])
        #expect(m.bin(.infinity, feature: 0) == RarityModel.bins - 1)
        #expect(m.bin(-.infinity, feature: 0) == 0)
        #expect(m.bin(.nan, feature: 0) == RarityModel.bins)
        #expect(m.bin(1e308, feature: 0) == RarityModel.bins - 1)
        m.add([.infinity]); m.add([0]); m.add([-.infinity])
        #expect(m.total == 3 && m.score([.infinity]).isFinite)
    }
}
