import Foundation
import LongtailHDF5

/// HDF5 benchmarks: an episode archive (REASSEMBLE-like float32 signals, zstd chunks),
/// one big dataset for the bounded-memory check, and a scan that streams every numeric
/// dataset of every file as Float, on one or more threads (one file per worker).
enum HDF5Bench {
    /// Writes `files` episodes of about `megabytes` MiB of float32 each.
    static func generateArchive(dir: String, files: Int, megabytes: Int) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var rng = Generate.Rng(state: 7)
        // Per 1 ms row: force 3 + torque 3 (1 kHz); pose 7 and velocity 6 at 100 Hz.
        let rows = max(1000, (megabytes << 20) / (4 * (6 + 13 / 10)))
        for f in 0..<files {
            let w = try HDF5Writer(path: "\(dir)/episode-\(String(format: "%03d", f)).h5")
            var force = [Float](repeating: 0, count: rows * 3), torque = force
            var fz: Float = -2
            for i in 0..<rows {
                fz += Float(rng.gauss() * 0.05)
                force[3 * i] = Float(rng.gauss() * 0.3); force[3 * i + 1] = Float(rng.gauss() * 0.3); force[3 * i + 2] = fz
                torque[3 * i] = Float(rng.gauss() * 0.02); torque[3 * i + 1] = Float(rng.gauss() * 0.02)
                torque[3 * i + 2] = Float(rng.gauss() * 0.02)
            }
            let slow = rows / 10
            var pose = [Float](repeating: 0, count: slow * 7), velocity = [Float](repeating: 0, count: slow * 6)
            for i in 0..<slow {
                for k in 0..<7 { pose[7 * i + k] = Float(Double(i) * 1e-4 * Double(k + 1) + rng.gauss() * 1e-4) }
                for k in 0..<6 { velocity[6 * i + k] = Float(rng.gauss() * 0.01) }
            }
            let z = HDF5Compression.zstd(level: 1)
            try w.writeDataset("/robot_state/measured_force", values: force, shape: [rows, 3], chunkRows: 16384, compression: z)
            try w.writeDataset("/robot_state/measured_torque", values: torque, shape: [rows, 3], chunkRows: 16384, compression: z)
            try w.writeDataset("/robot_state/pose", values: pose, shape: [slow, 7], chunkRows: 8192, compression: z)
            try w.writeDataset("/robot_state/velocity", values: velocity, shape: [slow, 6], chunkRows: 8192, compression: z)
            try w.writeDataset("/timestamps/measured_force", values: (0..<rows).map { Double($0) * 1e-3 }, shape: [rows],
                               chunkRows: 16384, compression: z)
            try w.close()
        }
    }

    /// One float32 dataset of `gigabytes` GiB (8 columns), written block by block.
    static func generateBig(path: String, gigabytes: Int) throws {
        let w = try HDF5Writer(path: path)
        let ds = try w.appendableDataset("/signals", of: Float.self, rowShape: [8], chunkRows: 32768, compression: .zstd(level: 1))
        var rng = Generate.Rng(state: 9)
        let blockRows = 1 << 17
        var block = [Float](repeating: 0, count: blockRows * 8)
        let totalRows = (gigabytes << 30) / 32
        var written = 0
        while written < totalRows {
            let n = min(blockRows, totalRows - written)
            for i in 0..<(n * 8) { block[i] = Float(Int(rng.next() % 2000)) * 0.01 }
            try block.withUnsafeBufferPointer { b throws(HDF5Error) in try ds.append(UnsafeBufferPointer(rebasing: b[0..<(n * 8)])) }
            written += n
        }
        try w.close()
    }

    struct ScanResult: Sendable { var values = 0; var checksum = 0.0 }

    /// Streams every numeric dataset of `paths` as Float; files are dealt to `threads` workers.
    static func scan(paths: [String], threads: Int) throws -> ScanResult {
        final class Shared: @unchecked Sendable {
            let lock = NSLock()
            var result = ScanResult()
            var error: (any Error)?
        }
        let shared = Shared()
        let n = max(1, threads)
        DispatchQueue.concurrentPerform(iterations: n) { t in
            for (i, p) in paths.enumerated() where i % n == t {
                do {
                    let r = try scanOne(p)
                    shared.lock.lock(); shared.result.values += r.values; shared.result.checksum += r.checksum; shared.lock.unlock()
                } catch {
                    shared.lock.lock(); shared.error = error; shared.lock.unlock()
                }
            }
        }
        if let e = shared.error { throw e }
        return shared.result
    }

    static func scanOne(_ path: String) throws -> ScanResult {
        var r = ScanResult()
        let file = try HDF5File(path: path)
        for node in try file.walk() where node.kind == .dataset {
            let ds = try file.dataset(node.path)
            guard ds.typeClass == "float" || ds.typeClass == "integer" else { continue }
            try ds.forEachBlock(Float.self) { (b, _) throws(HDF5Error) in
                var s = 0.0
                for v in b { s += Double(v) }
                r.checksum += s
                r.values += b.count
            }
        }
        return r
    }
}
