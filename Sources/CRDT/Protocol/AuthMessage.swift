/// A y-protocols auth message (message type 2).
///
/// `02 • 00 • varString(reason)` is "permission denied" (Yjs and yrs); `02 • 01` is yrs'
/// "permission granted" (no payload). The JavaScript client acts only on permission denied.
public enum AuthMessage: Sendable, Hashable {
    /// The server refuses access; `reason` is shown or logged by the client.
    case permissionDenied(reason: String)
    /// Access granted (a yrs extension; Yjs clients ignore it).
    case permissionGranted

    /// Writes the sub-type and payload (without the leading message type 2).
    public func encode(into encoder: inout Lib0Encoder) {
        switch self {
        case .permissionDenied(let reason):
            encoder.writeVarUInt(UInt64(0))
            encoder.writeVarString(reason)
        case .permissionGranted:
            encoder.writeVarUInt(UInt64(1))
        }
    }

    /// Reads the sub-type and payload (the leading message type 2 already consumed).
    ///
    /// - Throws: ``CRDTError`` for truncated input or an unknown sub-type.
    public static func decode(from decoder: inout Lib0Decoder) throws(CRDTError) -> AuthMessage {
        let type = try decoder.readVarUInt()
        switch type {
        case 0: return .permissionDenied(reason: try decoder.readVarString())
        case 1: return .permissionGranted
        default: throw CRDTError.badMessage("unknown auth message type \(type)")
        }
    }
}
