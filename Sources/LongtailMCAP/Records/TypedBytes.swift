/// `withUnsafeBytes` for typed throws: the standard library's version rethrows `any Error`.
@inline(__always)
public func withBytes<R, E: Error>(_ array: [UInt8], _ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
    var result: Result<R, E>?
    array.withUnsafeBytes { b in result = Result { () throws(E) -> R in try body(b) } }
    return try result!.get()
}
