import Testing
import TestSupport
@testable import LongtailMCAP

@Suite struct JSONDecoderTests {
    static func decode(_ s: String) throws -> DecodedValue {
        try Array(s.utf8).withUnsafeBytes { try JSONMessageDecoder.decode($0) }
    }

    @Test func keepsOrderAndNumberKinds() throws {
        let v = try Self.decode(#"{"b": 1, "a": -2.5e-3, "big": 18446744073709551615, "s": "x\"\u00e9\ud83d\ude00", "l": [true, null, {}]}"#)
        guard case .object(let fields) = v else { Issue.record("not an object"); return }
        #expect(fields.map(\.name) == ["b", "a", "big", "s", "l"])
        #expect(v["b"] == .int(1) && v["a"] == .float64(-2.5e-3) && v["big"] == .uint(.max))
        #expect(v["s"] == .string("x\"é😀"))
        #expect(v["l"] == .array([.bool(true), .null, .object([])]))
    }

    /// A high surrogate followed by another high surrogate (`\ud9dd\ud9dd`) made the pair
    /// arithmetic wrap and trap (found by a 6.9 M-run campaign of FuzzMessageDecoders). Lone
    /// surrogates become U+FFFD, as Python's json leaves them unpaired; valid pairs still combine.
    @Test func loneSurrogatesAreReplacedNotCombined() throws {
        #expect(try Self.decode(#""\ud9dd\ud9dd""#) == .string("\u{FFFD}\u{FFFD}"))
        #expect(try Self.decode(#""\ud9dd\u0041""#) == .string("\u{FFFD}A"))
        #expect(try Self.decode(#""\ude00x""#) == .string("\u{FFFD}x"))
        #expect(try Self.decode(#""\ud83d\ude00\ud9dd\ud83d\ude00""#) == .string("😀\u{FFFD}😀"))
    }

    @Test func rejectsMalformedInput() {
        for bad in ["", "{", "[1,]", "{\"a\" 1}", "tru", "1 2", "\"unterminated"] {
            #expect(throws: JSONMessageDecoder.ParseError.self, "\(bad)") { _ = try Self.decode(bad) }
        }
    }

    /// A `json` channel in a file decodes through the same path `cat` uses.
    @Test func jsonChannelDecodes() throws {
        let sink = MemorySink()
        let w = MCAPWriter(sink: sink)
        try w.start(profile: "", library: "test")
        let s = try w.addSchema(name: "Weather", encoding: "jsonschema", data: Array(#"{"type":"object"}"#.utf8))
        let c = try w.addChannel(topic: "/weather", messageEncoding: "json", schemaID: s)
        try w.addMessage(channelID: c, logTime: 5, publishTime: 5, data: Array(#"{"rain_mm_h": 8.5, "wipers": 3}"#.utf8))
        try w.finish()
        let reader = MCAPStreamReader()
        reader.append(sink.bytes)
        var channel: Channel?, schema: Schema?, decoded: DecodedValue?
        while let r = try reader.next() {
            switch try r.parse() {
            case .schema(let x): schema = x
            case .channel(let x): channel = x
            case .message(let m):
                decoded = try m.data.withUnsafeBytes {
                    try MessageDecoder.make(channel: channel!, schema: schema).decode($0, topic: "/weather")
                }
            default: break
            }
        }
        try reader.finish()
        #expect(decoded?["rain_mm_h"] == .float64(8.5) && decoded?["wipers"] == .int(3))
    }
}
