/// A struct read from an update, not yet integrated (Yjs' "struct ref").
struct DecodedStruct {
    enum Kind: UInt8 {
        case item, gc, skip
    }

    /// Where an item says its parent is, when the parent is written.
    enum ParentRef {
        case none
        case root(String)
        case id(ID)
    }

    var kind: Kind
    var id: ID
    var length: UInt64
    var origin: ID?
    var rightOrigin: ID?
    var parent: ParentRef
    var parentSub: String?
    var content: ItemContent

    static func gc(_ id: ID, _ length: UInt64) -> DecodedStruct {
        DecodedStruct(
            kind: .gc, id: id, length: length, origin: nil, rightOrigin: nil, parent: .none, parentSub: nil,
            content: .deleted(length))
    }

    static func skip(_ id: ID, _ length: UInt64) -> DecodedStruct {
        DecodedStruct(
            kind: .skip, id: id, length: length, origin: nil, rightOrigin: nil, parent: .none, parentSub: nil,
            content: .deleted(length))
    }

    var endClock: UInt64 { id.clock &+ length }

    /// Drops the first `offset` units (0 < offset < length), as §3.3 slicing does: the rest gets
    /// origin `(client, clock + offset − 1)` and no written parent.
    mutating func dropFirst(_ offset: UInt64) {
        switch kind {
        case .gc, .skip:
            id.clock += offset
            length -= offset
            content = .deleted(length)
        case .item:
            var c = content
            content = .deleted(0)
            let right = c.split(at: Int(offset))
            content = right
            origin = ID(client: id.client, clock: id.clock + offset - 1)
            // A sliced item has an origin, so its parent is taken from that origin (as a receiver of
            // the sliced encoding would do).
            parent = .none
            parentSub = nil
            id.clock += offset
            length -= offset
        }
    }

    /// Writes this struct in v1 format, skipping its first `offset` units.
    func write(to e: inout Lib0Encoder, offset: UInt64 = 0) {
        switch kind {
        case .gc:
            e.writeUInt8(0)
            e.writeVarUInt(length - offset)
        case .skip:
            e.writeUInt8(10)
            e.writeVarUInt(length - offset)
        case .item:
            let origin = offset > 0 ? ID(client: id.client, clock: id.clock + offset - 1) : self.origin
            var info = content.ref
            if origin != nil { info |= 0x80 }
            if rightOrigin != nil { info |= 0x40 }
            if parentSub != nil { info |= 0x20 }
            e.writeUInt8(info)
            if let o = origin {
                e.writeVarUInt(o.client)
                e.writeVarUInt(o.clock)
            }
            if let r = rightOrigin {
                e.writeVarUInt(r.client)
                e.writeVarUInt(r.clock)
            }
            if origin == nil && rightOrigin == nil {
                switch parent {
                case .root(let name):
                    e.writeVarUInt(1)
                    e.writeVarString(name)
                case .id(let pid):
                    e.writeVarUInt(0)
                    e.writeVarUInt(pid.client)
                    e.writeVarUInt(pid.clock)
                case .none:
                    // Cannot happen for decoded items (the decoder requires parent info here); write an empty root name.
                    e.writeVarUInt(1)
                    e.writeVarString("")
                }
                if let key = parentSub { e.writeVarString(key) }
            }
            content.write(to: &e, offset: Int(offset))
        }
    }
}

/// A fully decoded v1 update: per-client struct runs and the delete set.
struct DecodedUpdate {
    /// Struct runs by client, in the order read. Each run is contiguous in clock.
    var clients: [(client: UInt64, structs: [DecodedStruct])]
    var deleteSet: DeleteSet

    /// Decodes a whole v1 update, validating everything so integration cannot fail.
    init(v1 bytes: [UInt8]) throws(CRDTError) {
        var d = Lib0Decoder(bytes)
        clients = []
        let numClients = try d.readVarUInt()
        guard numClients <= UInt64(d.remaining / 3) else { throw .lengthTooLarge }
        clients.reserveCapacity(Int(numClients))
        for _ in 0..<numClients {
            let numStructs = try d.readVarUInt()
            let client = try d.readVarUInt()
            var clock = try d.readVarUInt()
            guard numStructs <= UInt64(d.remaining / 2) else { throw .lengthTooLarge }
            var structs: [DecodedStruct] = []
            structs.reserveCapacity(Int(numStructs))
            for _ in 0..<numStructs {
                let s = try Self.readStruct(&d, client: client, clock: clock)
                clock += s.length
                guard clock <= Lib0Decoder.maxSafeInteger else { throw .integerOutOfRange }
                structs.append(s)
            }
            if !structs.isEmpty { clients.append((client, structs)) }
        }
        deleteSet = try DeleteSet(from: &d)
        for (_, list) in deleteSet.clients {
            for r in list where r.end > Lib0Decoder.maxSafeInteger { throw .integerOutOfRange }
        }
    }

    static func readStruct(_ d: inout Lib0Decoder, client: UInt64, clock: UInt64) throws(CRDTError) -> DecodedStruct {
        let info = try d.readUInt8()
        let id = ID(client: client, clock: clock)
        switch info & 0x1F {
        case 0:
            let len = try d.readVarUInt()
            guard len > 0 else { throw .malformedUpdate }
            return .gc(id, len)
        case 10:
            let len = try d.readVarUInt()
            guard len > 0 else { throw .malformedUpdate }
            return .skip(id, len)
        default:
            var origin: ID? = nil
            var rightOrigin: ID? = nil
            if info & 0x80 != 0 {
                origin = ID(client: try d.readVarUInt(), clock: try d.readVarUInt())
            }
            if info & 0x40 != 0 {
                rightOrigin = ID(client: try d.readVarUInt(), clock: try d.readVarUInt())
            }
            var parent = DecodedStruct.ParentRef.none
            var parentSub: String? = nil
            if info & 0xC0 == 0 {
                if try d.readVarUInt() == 1 {
                    parent = .root(try d.readVarString())
                } else {
                    let pid = ID(client: try d.readVarUInt(), clock: try d.readVarUInt())
                    if pid.client == client && pid.clock >= clock { throw .malformedUpdate }
                    parent = .id(pid)
                }
                if info & 0x20 != 0 { parentSub = try d.readVarString() }
            }
            // Same-client references must point backwards (they existed when the item was made).
            if let o = origin, o.client == client, o.clock >= clock { throw .malformedUpdate }
            if let r = rightOrigin, r.client == client, r.clock >= clock { throw .malformedUpdate }
            let content = try ItemContent.read(ref: info & 0x1F, from: &d)
            return DecodedStruct(
                kind: .item, id: id, length: content.length, origin: origin, rightOrigin: rightOrigin, parent: parent,
                parentSub: parentSub, content: content)
        }
    }
}
