/// A y-protocols sync message (the payload of a ``ProtocolMessage/sync(_:)`` frame, message type 0).
///
/// ```
/// step1  := 00 • varUint8Array(stateVector)    "here is what I have"
/// step2  := 01 • varUint8Array(update v1)      the reply: what the peer is missing
/// update := 02 • varUint8Array(update v1)      an incremental update
/// ```
/// The state vector of ``step1(stateVector:)`` is validated when decoding (a well-formed list of
/// `(client, clock)` pairs and nothing else). Update payloads are kept as bytes: the document
/// validates them when it applies them, and a relay can forward them unchanged.
public enum SyncMessage: Sendable, Hashable {
    /// Sync step 1: the sender's encoded state vector.
    case step1(stateVector: [UInt8])
    /// Sync step 2: the update the receiver of a step 1 is missing (a v1 update).
    case step2(update: [UInt8])
    /// An incremental document update (a v1 update).
    case update([UInt8])

    /// The sub-type byte of a sync step 1.
    public static let step1Type: UInt64 = 0
    /// The sub-type byte of a sync step 2.
    public static let step2Type: UInt64 = 1
    /// The sub-type byte of an update.
    public static let updateType: UInt64 = 2

    /// True for ``step2(update:)`` and ``update(_:)``, the messages that change a document.
    /// A read-only connection must not have them applied.
    public var changesDocument: Bool {
        switch self {
        case .step1: return false
        case .step2, .update: return true
        }
    }

    /// The update carried by ``step2(update:)`` or ``update(_:)``; nil for ``step1(stateVector:)``.
    public var updatePayload: [UInt8]? {
        switch self {
        case .step1: return nil
        case .step2(let u), .update(let u): return u
        }
    }

    /// Writes the sub-type and payload (without the leading message type 0).
    public func encode(into encoder: inout Lib0Encoder) {
        switch self {
        case .step1(let sv):
            encoder.writeVarUInt(Self.step1Type)
            encoder.writeVarBytes(sv)
        case .step2(let update):
            encoder.writeVarUInt(Self.step2Type)
            encoder.writeVarBytes(update)
        case .update(let update):
            encoder.writeVarUInt(Self.updateType)
            encoder.writeVarBytes(update)
        }
    }

    /// Reads the sub-type and payload (the leading message type 0 already consumed).
    ///
    /// - Throws: ``CRDTError`` for truncated input, an unknown sub-type or a malformed state vector.
    public static func decode(from decoder: inout Lib0Decoder) throws(CRDTError) -> SyncMessage {
        let type = try decoder.readVarUInt()
        switch type {
        case step1Type:
            let sv = try decoder.readVarBytes()
            try validateStateVector(sv)
            return .step1(stateVector: sv)
        case step2Type:
            return .step2(update: try decoder.readVarBytes())
        case updateType:
            return .update(try decoder.readVarBytes())
        default:
            throw CRDTError.badMessage("unknown sync message type \(type)")
        }
    }

    /// Checks that `bytes` is exactly one encoded state vector: `varUint n • (varUint client • varUint clock){n}`.
    static func validateStateVector(_ bytes: [UInt8]) throws(CRDTError) {
        var d = Lib0Decoder(bytes)
        let n = try d.readVarUInt()
        // Each entry takes at least two bytes.
        guard n <= UInt64(d.remaining / 2) else { throw CRDTError.lengthTooLarge }
        for _ in 0..<n {
            _ = try d.readVarUInt()
            _ = try d.readVarUInt()
        }
        guard d.isAtEnd else { throw CRDTError.badMessage("trailing bytes after the state vector") }
    }
}
