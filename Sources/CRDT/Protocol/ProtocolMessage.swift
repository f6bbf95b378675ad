/// One y-websocket / y-protocols message: `varUint messageType • payload`.
///
/// A WebSocket binary frame carries exactly one message (y-websocket v1–v3 clients read only one;
/// always send one per frame). ``decode(_:)`` reads one message and rejects trailing bytes,
/// ``decodeAll(_:)`` reads several in a row as y-websocket v4 and yrs do.
///
/// ```swift
/// let frame = ProtocolMessage.sync(.step1(stateVector: [0])).encode()   // 00 00 01 00
/// switch try ProtocolMessage.decode(frame) {
/// case .sync(.step1(let sv)): reply(with: sv)
/// default: break
/// }
/// ```
/// Decoding never traps: every malformed input gives a ``CRDTError``.
public enum ProtocolMessage: Sendable, Hashable {
    /// Message type 0: document sync.
    case sync(SyncMessage)
    /// Message type 1: an awareness update (`01 • varUint8Array(awarenessUpdate)`).
    case awareness(AwarenessUpdate)
    /// Message type 2: auth.
    case auth(AuthMessage)
    /// Message type 3: "send me every awareness state you know" (no payload).
    case queryAwareness
    /// Any other message type. Its payload is kept as the rest of the frame, unparsed; the
    /// reference server ignores such messages.
    case custom(type: UInt64, payload: [UInt8])

    /// Message type numbers.
    public enum MessageType {
        /// Document sync.
        public static let sync: UInt64 = 0
        /// Awareness update.
        public static let awareness: UInt64 = 1
        /// Auth.
        public static let auth: UInt64 = 2
        /// Query awareness.
        public static let queryAwareness: UInt64 = 3
    }

    /// The message type number written first in the frame.
    public var messageType: UInt64 {
        switch self {
        case .sync: return MessageType.sync
        case .awareness: return MessageType.awareness
        case .auth: return MessageType.auth
        case .queryAwareness: return MessageType.queryAwareness
        case .custom(let type, _): return type
        }
    }

    /// Encodes the message as one frame.
    public func encode() -> [UInt8] {
        var encoder = Lib0Encoder(capacity: 16)
        encode(into: &encoder)
        return encoder.bytes
    }

    /// Appends the message to `encoder`.
    public func encode(into encoder: inout Lib0Encoder) {
        encoder.writeVarUInt(messageType)
        switch self {
        case .sync(let message):
            message.encode(into: &encoder)
        case .awareness(let update):
            encoder.writeVarBytes(update.encode())
        case .auth(let message):
            message.encode(into: &encoder)
        case .queryAwareness:
            break
        case .custom(_, let payload):
            encoder.writeRaw(payload)
        }
    }

    /// Decodes exactly one message; bytes after it are an error.
    ///
    /// - Throws: ``CRDTError`` for truncated input, unknown sub-types, malformed state vectors,
    ///   malformed awareness updates or trailing bytes.
    public static func decode(_ frame: [UInt8]) throws(CRDTError) -> ProtocolMessage {
        var decoder = Lib0Decoder(frame)
        let message = try decode(from: &decoder)
        guard decoder.isAtEnd else { throw CRDTError.badMessage("trailing bytes after the message") }
        return message
    }

    /// Decodes every message of a frame, one after the other (y-websocket v4 / yrs framing).
    ///
    /// - Throws: ``CRDTError`` if any message is malformed or the frame is empty.
    public static func decodeAll(_ frame: [UInt8]) throws(CRDTError) -> [ProtocolMessage] {
        var decoder = Lib0Decoder(frame)
        var messages: [ProtocolMessage] = []
        repeat {
            messages.append(try decode(from: &decoder))
        } while !decoder.isAtEnd
        return messages
    }

    /// Reads one message from `decoder`. A ``custom(type:payload:)`` message takes the rest of the input.
    ///
    /// - Throws: ``CRDTError`` for malformed input.
    public static func decode(from decoder: inout Lib0Decoder) throws(CRDTError) -> ProtocolMessage {
        let type = try decoder.readVarUInt()
        switch type {
        case MessageType.sync:
            return .sync(try SyncMessage.decode(from: &decoder))
        case MessageType.awareness:
            return .awareness(try AwarenessUpdate.decode(try decoder.readVarBytes()))
        case MessageType.auth:
            return .auth(try AuthMessage.decode(from: &decoder))
        case MessageType.queryAwareness:
            return .queryAwareness
        default:
            return .custom(type: type, payload: decoder.readRemaining())
        }
    }
}
