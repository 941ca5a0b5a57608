/// Why a channel's messages cannot be decoded.
public enum DecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The channel's message encoding (or schema encoding) is not one Longtail decodes.
    case unsupportedEncoding(topic: String, messageEncoding: String, schemaEncoding: String)
    /// The schema did not parse or resolve.
    case schema(topic: String, ROS2SchemaError)
    /// The channel names a schema id that the file never defines.
    case missingSchema(topic: String, schemaID: UInt16)
    /// A payload did not fit its schema.
    case cdr(topic: String, CDRError)
    /// A JSON payload did not parse.
    case json(topic: String, JSONMessageDecoder.ParseError)
    /// A protobuf schema did not compile.
    case protobufSchema(topic: String, ProtobufPlan.SchemaError)
    /// A protobuf payload did not fit its schema.
    case protobuf(topic: String, ProtobufError)

    public var description: String {
        switch self {
        case .unsupportedEncoding(let topic, let m, let s):
            "channel '\(topic)': unsupported message encoding '\(m)' (schema encoding '\(s)'); Longtail decodes cdr with ros2msg schemas, ros1 with ros1msg schemas, protobuf, and json"
        case .schema(let topic, let e): "channel '\(topic)': \(e)"
        case .missingSchema(let topic, let id): "channel '\(topic)': schema id \(id) is not defined in the file"
        case .cdr(let topic, let e): "channel '\(topic)': \(e)"
        case .json(let topic, let e): "channel '\(topic)': \(e)"
        case .protobufSchema(let topic, let e): "channel '\(topic)': \(e)"
        case .protobuf(let topic, let e): "channel '\(topic)': \(e)"
        }
    }
}

/// Decodes the messages of one channel, chosen from its encodings once.
public enum MessageDecoder: Sendable {
    case cdr(CDRPlan)
    case protobuf(ProtobufPlan)
    case json

    /// Chooses and compiles the decoder for a channel.
    /// - Throws: `DecodeError` for unsupported encodings and bad schemas.
    public static func make(channel: Channel, schema: Schema?) throws(DecodeError) -> MessageDecoder {
        /// The channel's schema, which must be in `encoding`.
        func required(_ encoding: String) throws(DecodeError) -> Schema {
            guard let schema else { throw .missingSchema(topic: channel.topic, schemaID: channel.schemaID) }
            guard schema.encoding == encoding else {
                throw .unsupportedEncoding(topic: channel.topic, messageEncoding: channel.messageEncoding, schemaEncoding: schema.encoding)
            }
            return schema
        }
        switch channel.messageEncoding {
        case "cdr":
            let s = try required("ros2msg")
            do throws(ROS2SchemaError) {
                return .cdr(try CDRPlan(ros2msgNamed: s.name, text: String(decoding: s.data, as: UTF8.self)))
            } catch {
                throw .schema(topic: channel.topic, error)
            }
        case "ros1":
            let s = try required("ros1msg")
            return try ros1(type: s.name, definition: String(decoding: s.data, as: UTF8.self), topic: channel.topic)
        case "protobuf":
            let s = try required("protobuf")
            do throws(ProtobufPlan.SchemaError) {
                return .protobuf(try ProtobufPlan(fileDescriptorSet: s.data, messageName: s.name))
            } catch { throw .protobufSchema(topic: channel.topic, error) }
        case "json":
            return .json
        default:
            throw .unsupportedEncoding(topic: channel.topic, messageEncoding: channel.messageEncoding,
                                       schemaEncoding: schema?.encoding ?? "")
        }
    }

    /// The decoder of ROS 1 serialized messages of `type` (`pkg/Name`) with its `ros1msg`
    /// definition: an MCAP `ros1` channel, or a bag connection.
    /// - Throws: `DecodeError.schema` when the definition does not parse.
    public static func ros1(type: String, definition: String, topic: String) throws(DecodeError) -> MessageDecoder {
        do throws(ROS2SchemaError) { return .cdr(try CDRPlan(ros1msgNamed: type, text: definition)) } catch {
            throw .schema(topic: topic, error)
        }
    }

    /// Decodes one payload.
    /// - Throws: `DecodeError` naming the topic.
    public func decode(_ payload: UnsafeRawBufferPointer, topic: String) throws(DecodeError) -> DecodedValue {
        switch self {
        case .cdr(let plan):
            do throws(CDRError) { return try plan.decode(payload) } catch { throw .cdr(topic: topic, error) }
        case .protobuf(let plan):
            do throws(ProtobufError) { return try plan.decode(payload) } catch { throw .protobuf(topic: topic, error) }
        case .json:
            do throws(JSONMessageDecoder.ParseError) { return try JSONMessageDecoder.decode(payload) } catch {
                throw .json(topic: topic, error)
            }
        }
    }
}
