/// Checks an object header before libhdf5 loads it: its continuation blocks lie inside the
/// file (libhdf5 allocates a block's recorded length first: 1 GB for a few-KB file opened,
/// fuzzing found it), and its attribute messages are sound.
///
/// libhdf5 1.10 copies an attribute's name with `strdup`, trusting it to end in a NUL inside
/// the message: a damaged header without one made it read past the object header's buffer
/// (a heap-buffer-overflow under ASan; fuzzing found it). Here the object header is walked
/// as the file stores it (version 1, or version 2 `OHDR` with its `OCHK` continuations), and
/// each attribute message (type 0x000C) is checked: its name's NUL, and its parts inside the
/// message. Dense attribute storage (a fractal heap) and shared messages are not walked.
enum ObjectHeaderCheck {
    /// nil when every attribute message of the header at `address` is sound (or the header is
    /// not one this walk reads: libhdf5 then judges it); otherwise what is wrong.
    /// `base`: where addresses start (the user block's size); `heaps`: the objects of each
    /// sound global heap collection, by file offset (`GlobalHeapCheck`).
    static func problem(in file: UnsafeRawBufferPointer, header address: UInt64, base: UInt64 = 0,
                        heaps: GlobalHeapCheck.Heaps = GlobalHeapCheck.Heaps(), attributes: Bool = true) -> String? {
        var blocks: [(start: Int, end: Int, v2: Bool)] = []
        guard address < UInt64(file.count) else { return nil }
        let a = Int(address)
        func u8(_ o: Int) -> Int { Int(file[o]) }
        func u16(_ o: Int) -> Int { Int(file[o]) | Int(file[o + 1]) << 8 }
        func u32(_ o: Int) -> Int { u16(o) | u16(o + 2) << 16 }
        func u64(_ o: Int) -> UInt64 { UInt64(u32(o)) | UInt64(u32(o + 4)) << 32 }
        var creationOrder = false
        if a + 16 <= file.count, file[a] == 0x4F, file[a + 1] == 0x48, file[a + 2] == 0x44, file[a + 3] == 0x52 {  // "OHDR"
            guard file[a + 4] == 2 else { return nil }
            let flags = u8(a + 5)
            creationOrder = flags & 0x04 != 0
            var p = a + 6 + (flags & 0x20 != 0 ? 16 : 0) + (flags & 0x10 != 0 ? 4 : 0)
            let width = 1 << (flags & 3)
            guard p + width <= file.count else { return nil }
            var size = 0
            for k in 0..<width { size |= Int(file[p + k]) << (8 * k) }
            p += width
            guard size >= 0, size <= file.count - p else { return "object header at byte \(a): its first chunk runs past the end of the file" }
            blocks.append((p, p + size, true))
        } else if a + 16 <= file.count, file[a] == 1 {
            let size = u32(a + 8)
            guard size <= file.count - (a + 16) else { return "object header at byte \(a): its messages run past the end of the file" }
            blocks.append((a + 16, a + 16 + size, false))
        } else {
            return nil
        }
        var visited = 0
        while let block = blocks.popLast() {
            visited += 1
            guard visited <= 1000 else { return "object header at byte \(a): more than 1000 continuation blocks (a loop?)" }
            let headerSize = block.v2 ? 4 + (creationOrder ? 2 : 0) : 8
            var p = block.start
            while p + headerSize <= block.end {
                let type = block.v2 ? u8(p) : u16(p)
                let size = block.v2 ? u16(p + 1) : u16(p + 2)
                let flags = block.v2 ? u8(p + 3) : u8(p + 4)
                let body = p + headerSize
                guard size <= block.end - body else {
                    return "object header at byte \(a): message of type \(type) at byte \(p) runs past its block"
                }
                if attributes, type == 0x0C, flags & 0x02 == 0, let why = attribute(file, body, size, base: base, heaps: heaps) {
                    return "attribute message at byte \(p): \(why)"
                }
                if type == 0x10, size >= 16 {  // continuation: address, length
                    let (at, wrapped) = u64(body).addingReportingOverflow(base), length = u64(body + 8)
                    guard !wrapped, at < UInt64(file.count), length <= UInt64(file.count) - at else {
                        return "object header at byte \(a): a continuation of \(length) bytes at byte \(at) runs past the end of the file"
                    }
                    do {
                        let s = Int(at), e = Int(at + length)
                        if block.v2 {
                            guard e - s >= 8, file[s] == 0x4F, file[s + 1] == 0x43, file[s + 2] == 0x48, file[s + 3] == 0x4B else { return nil }  // "OCHK"
                            blocks.append((s + 4, e - 4, true))
                        } else {
                            blocks.append((s, e, false))
                        }
                    }
                }
                p = body + size
            }
        }
        return nil
    }

    /// The root group's object header, found through the superblock (versions 0–3, 8-byte
    /// addresses and lengths), checked before libhdf5 opens the file; nil when sound or when
    /// the superblock is not one this reads (libhdf5 then judges it).
    static func rootProblem(in file: UnsafeRawBufferPointer) -> String? {
        let signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]
        var at = 0
        while at + 96 <= file.count, !signature.indices.allSatisfy({ file[at + $0] == signature[$0] }) {
            at = at == 0 ? 512 : at * 2
        }
        guard at + 96 <= file.count else { return nil }
        func u64(_ o: Int) -> UInt64 { UnsafeRawBufferPointer(rebasing: file[o..<(o + 8)]).loadUnaligned(as: UInt64.self).littleEndian }
        let version = Int(file[at + 8])
        let root: UInt64, base: UInt64
        switch version {
        case 0, 1:
            guard file[at + 13] == 8, file[at + 14] == 8 else { return nil }
            let addresses = at + (version == 0 ? 24 : 28)
            base = u64(addresses)
            root = u64(addresses + 32 + 8)      // base, free space, end of file, driver; then the root entry's link name offset
        case 2, 3:
            guard file[at + 9] == 8, file[at + 10] == 8 else { return nil }
            base = u64(at + 12)
            root = u64(at + 36)
        default:
            return nil
        }
        let (address, o) = root.addingReportingOverflow(base)
        guard !o, address < UInt64(file.count) else { return "the root group's object header address \(root) lies outside the file's \(file.count) bytes" }
        return problem(in: file, header: address, base: base, attributes: false)
    }

    /// Why an attribute message body at `o` of `size` bytes would make libhdf5 read past it.
    private static func attribute(_ file: UnsafeRawBufferPointer, _ o: Int, _ size: Int, base: UInt64,
                                  heaps: GlobalHeapCheck.Heaps) -> String? {
        guard size >= 8 else { return "\(size) bytes, shorter than its fixed fields" }
        let version = Int(file[o])
        let nameSize = Int(file[o + 2]) | Int(file[o + 3]) << 8
        let typeSize = Int(file[o + 4]) | Int(file[o + 5]) << 8
        let spaceSize = Int(file[o + 6]) | Int(file[o + 7]) << 8
        func pad(_ n: Int) -> Int { version == 1 ? (n + 7) / 8 * 8 : n }
        let nameAt = o + (version == 3 ? 9 : 8)
        guard (1...3).contains(version) else { return nil }   // libhdf5 refuses other versions itself
        guard nameSize >= 1, nameAt - o + pad(nameSize) + pad(typeSize) + pad(spaceSize) <= size else {
            return "its name (\(nameSize) bytes), type (\(typeSize)) and dataspace (\(spaceSize)) do not fit its \(size) bytes"
        }
        guard UnsafeRawBufferPointer(rebasing: file[nameAt..<(nameAt + nameSize)]).contains(0) else {
            return "its \(nameSize)-byte name has no terminating NUL"
        }
        // A variable-length value is a heap ID per element (length, collection, index): each
        // must name an object its collection holds. libhdf5 copies from the object slot the
        // ID names, allocated or not (fuzzing found a copy of ~2^63 bytes from a stale slot).
        let typeAt = nameAt + pad(nameSize), spaceAt = typeAt + pad(typeSize), dataAt = spaceAt + pad(spaceSize)
        guard typeSize >= 8, spaceSize >= 4 else { return nil }
        let spaceVersion = Int(file[spaceAt]), rank = Int(file[spaceAt + 1])
        let dimsAt = spaceAt + (spaceVersion == 1 ? 8 : 4)
        guard (1...2).contains(spaceVersion), rank <= 32, dimsAt + 8 * rank <= spaceAt + spaceSize else { return nil }
        if spaceVersion == 2, file[spaceAt + 3] == 2 { return nil }   // a null dataspace: no values
        var count: UInt64 = 1
        for k in 0..<rank {
            let d = UnsafeRawBufferPointer(rebasing: file[(dimsAt + 8 * k)..<(dimsAt + 8 * k + 8)]).loadUnaligned(as: UInt64.self).littleEndian
            let (c, o) = count.multipliedReportingOverflow(by: d)
            guard !o else { return "its dataspace declares more values than a message can hold" }
            count = c
        }
        // libhdf5 copies count × the type's declared size from the message (a vlen string
        // type declaring 46 bytes, not 16, made it read past the header: fuzzing found it).
        let element = UInt64(UnsafeRawBufferPointer(rebasing: file[(typeAt + 4)..<(typeAt + 8)]).loadUnaligned(as: UInt32.self).littleEndian)
        let (bytes, overflow) = count.multipliedReportingOverflow(by: element)
        guard !overflow, bytes <= UInt64(max(0, o + size - dataAt)) else {
            return "\(count) values of \(element) bytes do not fit its \(size) bytes"
        }
        guard file[typeAt] & 0x0F == 9 else { return nil }
        guard count <= UInt64(max(0, o + size - dataAt)) / 16 else {
            return "\(count) variable-length values do not fit its \(size) bytes"
        }
        for k in 0..<Int(count) {
            let at = dataAt + 16 * k
            let length = UnsafeRawBufferPointer(rebasing: file[at..<(at + 4)]).loadUnaligned(as: UInt32.self).littleEndian
            guard length > 0 else { continue }   // an empty string: no heap object
            let collection = UnsafeRawBufferPointer(rebasing: file[(at + 4)..<(at + 12)]).loadUnaligned(as: UInt64.self).littleEndian
            let index = UnsafeRawBufferPointer(rebasing: file[(at + 12)..<(at + 16)]).loadUnaligned(as: UInt32.self).littleEndian
            let (offset, o) = collection.addingReportingOverflow(base)
            if !o, let why = heaps.broken[offset] { return "value \(k): \(why)" }
            guard !o, index > 0, index <= UInt32(UInt16.max), heaps.objects[offset]?.contains(UInt16(index)) == true else {
                return "value \(k) names object \(index) of a global heap collection at byte \(collection), which the file does not hold"
            }
        }
        return nil
    }
}
