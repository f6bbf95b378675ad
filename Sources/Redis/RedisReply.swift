/// One reply of the Redis protocol (RESP2), copied out of hiredis's reply object.
public enum RedisReply: Sendable, Equatable {
    case string([UInt8])
    case status(String)
    case integer(Int64)
    case array([RedisReply])
    case null
    case error(String)

    /// The bytes of a bulk or status string.
    public var bytes: [UInt8]? {
        switch self {
        case .string(let bytes): bytes
        case .status(let text): Array(text.utf8)
        default: nil
        }
    }

    /// A bulk or status string as text.
    public var text: String? { bytes.map { String(decoding: $0, as: UTF8.self) } }
}
