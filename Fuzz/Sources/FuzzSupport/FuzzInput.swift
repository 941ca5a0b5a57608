#if canImport(Glibc)
import Glibc
#endif

/// Helpers shared by the harnesses.
public enum FuzzInput {
    /// The input as a file (the readers under test open paths), in a per-process scratch
    /// file rewritten for every input.
    public static func file(_ data: UnsafeRawBufferPointer, suffix: String) -> String {
        let dir = "/dev/shm"
        let base = access(dir, W_OK) == 0 ? dir : "/tmp"
        let path = "\(base)/longtail-fuzz-\(getpid())\(suffix)"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { return path }
        var done = 0
        while done < data.count {
            let n = write(fd, data.baseAddress! + done, data.count - done)
            if n <= 0 { break }
            done += n
        }
        close(fd)
        return path
    }

    /// Splits the input into a length-prefixed head (first two bytes: its length, little
    /// endian) and the rest: a schema and a payload from one input.
    public static func split(_ data: UnsafeRawBufferPointer) -> (UnsafeRawBufferPointer, UnsafeRawBufferPointer) {
        guard data.count >= 2 else { return (UnsafeRawBufferPointer(rebasing: data[0..<0]), data) }
        let n = min(Int(data[0]) | Int(data[1]) << 8, data.count - 2)
        return (UnsafeRawBufferPointer(rebasing: data[2..<(2 + n)]), UnsafeRawBufferPointer(rebasing: data[(2 + n)...]))
    }
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

extension FuzzInput {
    /// The harness's `main`: SwiftPM links an executable's entry as `<Module>_main`, so each
    /// harness names one and hands over to libFuzzer's driver with its test function.
    public static func run(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>,
                           _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32 {
        var c = argc
        var v = argv
        return LLVMFuzzerRunDriver(&c, &v, callback)
    }
}
