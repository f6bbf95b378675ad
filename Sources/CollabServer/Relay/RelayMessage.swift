import CRDT
import Foundation

/// What one node tells the other nodes that have the same project's room loaded (through a ``RoomRelay``).
///
/// Binary, versioned: `[version 1][kind][node id: 16 bytes][project id: 16 bytes]` and the kind's fields
/// in lib0 encoding. ``decode(_:maximumPayload:)`` checks everything, so a message that does not decode is
/// dropped before it reaches a room.
public struct RelayMessage: Sendable, Equatable {
    public enum Body: Sendable, Equatable {
        /// An update made durable at `seq` in the project's log by the sending node.
        case update(seq: Int64, author: RelayAuthor?, payload: [UInt8])
        /// Awareness entries (a y-protocols awareness update) of the sending node's clients.
        case awareness([UInt8])
        /// Close every connection of `userID` (their membership was removed or their role changed).
        case disconnect(userID: UUID, reason: String)
        /// The sending node stored a checkpoint at `seq` (of about `bytes` bytes).
        case checkpoint(seq: Int64, bytes: Int)
    }

    public let node: UUID
    public let projectID: UUID
    public let body: Body

    public init(node: UUID, projectID: UUID, body: Body) {
        self.node = node
        self.projectID = projectID
        self.body = body
    }

    static let version: UInt8 = 1

    public func encode() -> [UInt8] {
        var encoder = Lib0Encoder(capacity: 64)
        encoder.writeUInt8(Self.version)
        switch body {
        case .update: encoder.writeUInt8(1)
        case .awareness: encoder.writeUInt8(2)
        case .disconnect: encoder.writeUInt8(3)
        case .checkpoint: encoder.writeUInt8(4)
        }
        encoder.writeRaw(node.bytes)
        encoder.writeRaw(projectID.bytes)
        switch body {
        case .update(let seq, let author, let payload):
            encoder.writeVarUInt(UInt64(max(0, seq)))
            if let author {
                encoder.writeUInt8(1)
                encoder.writeRaw(author.userID.bytes)
                encoder.writeVarString(author.name)
            } else {
                encoder.writeUInt8(0)
            }
            encoder.writeVarBytes(payload)
        case .awareness(let payload):
            encoder.writeVarBytes(payload)
        case .disconnect(let userID, let reason):
            encoder.writeRaw(userID.bytes)
            encoder.writeVarString(reason)
        case .checkpoint(let seq, let bytes):
            encoder.writeVarUInt(UInt64(max(0, seq)))
            encoder.writeVarUInt(UInt64(max(0, bytes)))
        }
        return encoder.bytes
    }

    /// Decodes a message; the whole input must be one message.
    /// - Parameter maximumPayload: the largest update or awareness payload accepted (as for client messages).
    /// - Throws: ``RelayMessageError`` for an unknown version or kind, truncated or oversized fields, trailing bytes.
    public static func decode(_ bytes: [UInt8], maximumPayload: Int) throws(RelayMessageError) -> RelayMessage {
        guard bytes.count <= maximumPayload + 256 else { throw RelayMessageError("message of \(bytes.count) bytes is over the limit") }
        var decoder = Lib0Decoder(bytes)
        do {
            guard try decoder.readUInt8() == version else { throw RelayMessageError("unknown version") }
            let kind = try decoder.readUInt8()
            let node = try readUUID(&decoder)
            let projectID = try readUUID(&decoder)
            let body: Body
            switch kind {
            case 1:
                let seq = try decoder.readVarUInt()
                guard seq >= 1, seq <= UInt64(Int64.max) else { throw RelayMessageError("bad seq") }
                var author: RelayAuthor?
                switch try decoder.readUInt8() {
                case 0: break
                case 1:
                    let userID = try readUUID(&decoder)
                    let name = try decoder.readVarString()
                    guard name.utf8.count <= 1024 else { throw RelayMessageError("author name too long") }
                    author = RelayAuthor(userID: userID, name: name)
                default: throw RelayMessageError("bad author flag")
                }
                let payload = try decoder.readVarBytes()
                guard payload.count <= maximumPayload else { throw RelayMessageError("update over the limit") }
                body = .update(seq: Int64(seq), author: author, payload: payload)
            case 2:
                let payload = try decoder.readVarBytes()
                guard payload.count <= maximumPayload else { throw RelayMessageError("awareness over the limit") }
                body = .awareness(payload)
            case 3:
                let userID = try readUUID(&decoder)
                let reason = try decoder.readVarString()
                guard reason.utf8.count <= 1024 else { throw RelayMessageError("reason too long") }
                body = .disconnect(userID: userID, reason: reason)
            case 4:
                let seq = try decoder.readVarUInt()
                let size = try decoder.readVarUInt()
                guard seq <= UInt64(Int64.max), size <= UInt64(Int.max) else { throw RelayMessageError("bad checkpoint") }
                body = .checkpoint(seq: Int64(seq), bytes: Int(size))
            default:
                throw RelayMessageError("unknown kind \(kind)")
            }
            guard decoder.isAtEnd else { throw RelayMessageError("trailing bytes") }
            return RelayMessage(node: node, projectID: projectID, body: body)
        } catch let error as RelayMessageError {
            throw error
        } catch {
            throw RelayMessageError("malformed: \(error)")
        }
    }

    private static func readUUID(_ decoder: inout Lib0Decoder) throws -> UUID {
        let raw = try decoder.readRaw(count: 16)
        return UUID(uuid: (raw[0], raw[1], raw[2], raw[3], raw[4], raw[5], raw[6], raw[7], raw[8], raw[9], raw[10], raw[11], raw[12], raw[13], raw[14], raw[15]))
    }
}

/// Who made a relayed update (for the live protocol's `edit-applied`).
public struct RelayAuthor: Sendable, Equatable {
    public let userID: UUID
    public let name: String

    public init(userID: UUID, name: String) {
        self.userID = userID
        self.name = name
    }
}

/// A relayed message that does not decode.
public struct RelayMessageError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

extension UUID {
    var bytes: [UInt8] {
        withUnsafeBytes(of: uuid) { Array($0) }
    }
}
