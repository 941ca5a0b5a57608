/// A growable byte buffer with a read cursor, owned by a reader.
///
/// Views handed out stay valid until the next call that appends (which may compact
/// or reallocate). Memory grows only with bytes actually appended, never with a
/// length read from the input.
final class ByteQueue {
    private(set) var storage: UnsafeMutableRawPointer
    private(set) var capacity: Int
    private(set) var start = 0
    private(set) var end = 0

    init(capacity: Int = 64 * 1024) {
        self.capacity = max(capacity, 16)
        storage = .allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit { storage.deallocate() }

    var count: Int { end - start }

    var readable: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: storage + start, count: end - start) }

    func consume(_ n: Int) {
        start += n
        if start == end { start = 0; end = 0 }
    }

    /// Makes room for `n` more bytes at the end, compacting or growing as needed.
    func reserve(_ n: Int) {
        if capacity - end >= n { return }
        let live = end - start
        if start > 0 && capacity - live >= n {
            storage.copyMemory(from: storage + start, byteCount: live)
        } else {
            var newCap = capacity
            while newCap - live < n { newCap *= 2 }
            let s = UnsafeMutableRawPointer.allocate(byteCount: newCap, alignment: 16)
            s.copyMemory(from: storage + start, byteCount: live)
            storage.deallocate()
            storage = s
            capacity = newCap
        }
        start = 0
        end = live
    }

    func append(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        reserve(bytes.count)
        (storage + end).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        end += bytes.count
    }

    /// Lets `fill` write up to `n` bytes directly at the end; it returns how many it wrote.
    func write<E: Error>(upTo n: Int, _ fill: (UnsafeMutableRawBufferPointer) throws(E) -> Int) throws(E) -> Int {
        reserve(n)
        let written = try fill(UnsafeMutableRawBufferPointer(start: storage + end, count: n))
        precondition(written >= 0 && written <= n)
        end += written
        return written
    }

    /// Shrinks capacity back once a large record has gone, so one big chunk does not
    /// pin its memory for the rest of the file.
    func shrink(to target: Int) {
        guard capacity > target * 2, count <= target else { return }
        let s = UnsafeMutableRawPointer.allocate(byteCount: target, alignment: 16)
        s.copyMemory(from: storage + start, byteCount: count)
        storage.deallocate()
        end = count
        start = 0
        storage = s
        capacity = target
    }
}

/// A reusable output buffer for decompressed chunks.
final class ChunkBuffer {
    private(set) var storage: UnsafeMutableRawPointer
    private(set) var capacity: Int
    var count = 0

    init() {
        capacity = 1 << 16
        storage = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit { storage.deallocate() }

    func prepare(_ n: Int) -> UnsafeMutableRawBufferPointer {
        if n > capacity {
            storage.deallocate()
            capacity = max(n, capacity * 2)
            storage = .allocate(byteCount: capacity, alignment: 16)
        }
        count = n
        return UnsafeMutableRawBufferPointer(start: storage, count: n)
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: storage, count: count) }
}
