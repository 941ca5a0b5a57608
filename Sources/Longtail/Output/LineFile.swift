import LongtailMCAP

/// A text file written line by line through a buffer, under a temporary name renamed into
/// place by `close()`: outputs of any size never sit whole in memory.
final class LineFile {
    private let sink: FileSink
    private var buffer: [UInt8] = []

    init(_ path: String) throws { sink = try FileSink(path: path); buffer.reserveCapacity(1 << 16) }

    func line(_ s: String) throws {
        buffer.append(contentsOf: s.utf8)
        buffer.append(0x0A)
        if buffer.count >= 1 << 16 { try flush() }
    }

    private func flush() throws {
        try withBytes(buffer) { (b) throws(MCAPError) in try sink.write(b) }
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws { try flush(); try sink.close() }
}
