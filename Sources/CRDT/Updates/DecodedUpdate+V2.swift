/// Update format v2 (spec §8): the same information as v1 in separately compressed columns.
extension DecodedUpdate {
    /// Decodes a whole v2 update, validating everything (as the v1 decoder does).
    init(v2 bytes: [UInt8]) throws(CRDTError) {
        var d = Lib0Decoder(bytes)
        _ = try d.readVarUInt()  // feature flag
        var keyClock = UpdateV2Columns.IntDiffOptRleDecoder(try d.readVarBytes())
        var client = UpdateV2Columns.UintOptRleDecoder(try d.readVarBytes())
        var leftClock = UpdateV2Columns.IntDiffOptRleDecoder(try d.readVarBytes())
        var rightClock = UpdateV2Columns.IntDiffOptRleDecoder(try d.readVarBytes())
        var info = UpdateV2Columns.ByteRleDecoder(try d.readVarBytes())
        var strings = try UpdateV2Columns.StringDecoder(try d.readVarBytes())
        var parentInfo = UpdateV2Columns.ByteRleDecoder(try d.readVarBytes())
        var typeRef = UpdateV2Columns.UintOptRleDecoder(try d.readVarBytes())
        var len = UpdateV2Columns.UintOptRleDecoder(try d.readVarBytes())
        var keys: [String] = []

        func readKey() throws(CRDTError) -> String {
            let k = try keyClock.read()
            if k < UInt64(keys.count) { return keys[Int(k)] }
            let key = try strings.read()
            keys.append(key)
            return key
        }
        func readLen() throws(CRDTError) -> UInt64 {
            let n = try len.read()
            guard n <= Lib0Decoder.maxSafeInteger else { throw .integerOutOfRange }
            return n
        }

        clients = []
        let numClients = try d.readVarUInt()
        guard numClients <= UInt64(d.remaining) else { throw .lengthTooLarge }
        for _ in 0..<numClients {
            let numStructs = try d.readVarUInt()
            let c = try client.read()
            var clock = try d.readVarUInt()
            // Structs can be encoded almost entirely in the columns: bound by the total input size.
            guard numStructs <= UInt64(bytes.count) else { throw .lengthTooLarge }
            var structs: [DecodedStruct] = []
            structs.reserveCapacity(Int(min(numStructs, 1024)))
            for _ in 0..<numStructs {
                let inf = try info.read()
                let id = ID(client: c, clock: clock)
                let s: DecodedStruct
                switch inf & 0x1F {
                case 0:
                    let n = try readLen()
                    guard n > 0 else { throw .malformedUpdate }
                    s = .gc(id, n)
                case 10:
                    let n = try d.readVarUInt()
                    guard n > 0 else { throw .malformedUpdate }
                    s = .skip(id, n)
                default:
                    var origin: ID? = nil
                    var rightOrigin: ID? = nil
                    if inf & 0x80 != 0 { origin = ID(client: try client.read(), clock: try leftClock.read()) }
                    if inf & 0x40 != 0 { rightOrigin = ID(client: try client.read(), clock: try rightClock.read()) }
                    var parent = DecodedStruct.ParentRef.none
                    var parentSub: String? = nil
                    if inf & 0xC0 == 0 {
                        if try parentInfo.read() == 1 {
                            parent = .root(try strings.read())
                        } else {
                            let pid = ID(client: try client.read(), clock: try leftClock.read())
                            if pid.client == c && pid.clock >= clock { throw .malformedUpdate }
                            parent = .id(pid)
                        }
                        if inf & 0x20 != 0 { parentSub = try strings.read() }
                    }
                    if let o = origin, o.client == c, o.clock >= clock { throw .malformedUpdate }
                    if let r = rightOrigin, r.client == c, r.clock >= clock { throw .malformedUpdate }
                    let content: ItemContent
                    switch inf & 0x1F {
                    case 1:
                        let n = try readLen()
                        guard n > 0 else { throw .malformedUpdate }
                        content = .deleted(n)
                    case 2:
                        let n = try readLen()
                        guard n > 0, n <= UInt64(bytes.count) else { throw .malformedUpdate }
                        var a: [String] = []
                        for _ in 0..<n { a.append(try strings.read()) }
                        content = .json(a)
                    case 3: content = .binary(try d.readVarBytes())
                    case 4:
                        let u = try strings.readUnits()
                        guard !u.isEmpty else { throw .malformedUpdate }
                        content = .string(u)
                    case 5: content = .embed(try d.readAny().jsonString)
                    case 6:
                        let key = try readKey()
                        content = .format(key: key, value: try d.readAny().jsonString)
                    case 7:
                        let kind: TypeKind
                        switch try typeRef.read() {
                        case 0: kind = .array
                        case 1: kind = .map
                        case 2: kind = .text
                        case 3: kind = .xmlElement(name: try readKey())
                        case 4: kind = .xmlFragment
                        case 5: kind = .xmlHook(name: try readKey())
                        case 6: kind = .xmlText
                        default: throw .unknownTypeRef
                        }
                        content = .type(kind, index: -1)
                    case 8:
                        let n = try readLen()
                        guard n > 0, n <= UInt64(d.remaining) else { throw .malformedUpdate }
                        var a: [YAny] = []
                        a.reserveCapacity(Int(n))
                        for _ in 0..<n { a.append(try d.readAny()) }
                        content = .any(a)
                    case 9:
                        let guid = try strings.read()
                        content = .doc(guid: guid, options: try d.readAny())
                    default:
                        throw .unknownContentRef
                    }
                    s = DecodedStruct(
                        kind: .item, id: id, length: content.length, origin: origin, rightOrigin: rightOrigin,
                        parent: parent, parentSub: parentSub, content: content)
                }
                clock += s.length
                guard clock <= Lib0Decoder.maxSafeInteger else { throw .integerOutOfRange }
                structs.append(s)
            }
            if !structs.isEmpty { clients.append((c, structs)) }
        }
        // Delete set (v2): clocks as deltas from the end of the previous range, lengths minus one.
        var ds = DeleteSet()
        let n = try d.readVarUInt()
        guard n <= UInt64(d.remaining) else { throw .lengthTooLarge }
        for _ in 0..<n {
            var cur: UInt64 = 0
            let c = try d.readVarUInt()
            let count = try d.readVarUInt()
            guard count <= UInt64(d.remaining) else { throw .lengthTooLarge }
            for _ in 0..<count {
                let clock = cur + (try d.readVarUInt())
                let l = (try d.readVarUInt()) + 1
                cur = clock + l
                guard cur <= Lib0Decoder.maxSafeInteger else { throw .integerOutOfRange }
                ds.add(client: c, clock: clock, length: l)
            }
        }
        deleteSet = ds
    }

    /// The v1 encoding of these struct runs and delete set.
    func encodeV1() -> [UInt8] {
        var e = Lib0Encoder(capacity: 256)
        e.writeVarUInt(UInt64(clients.count))
        for (client, structs) in clients {
            e.writeVarUInt(UInt64(structs.count))
            e.writeVarUInt(client)
            e.writeVarUInt(structs[0].id.clock)
            for s in structs { s.write(to: &e) }
        }
        deleteSet.write(to: &e)
        return e.bytes
    }

    /// The v2 encoding of these struct runs and delete set (as Yjs' `UpdateEncoderV2` writes it).
    func encodeV2() -> [UInt8] {
        var keyClock = UpdateV2Columns.IntDiffOptRleEncoder()
        var client = UpdateV2Columns.UintOptRleEncoder()
        var leftClock = UpdateV2Columns.IntDiffOptRleEncoder()
        var rightClock = UpdateV2Columns.IntDiffOptRleEncoder()
        var info = UpdateV2Columns.ByteRleEncoder()
        var strings = UpdateV2Columns.StringEncoder()
        var parentInfo = UpdateV2Columns.ByteRleEncoder()
        var typeRef = UpdateV2Columns.UintOptRleEncoder()
        var len = UpdateV2Columns.UintOptRleEncoder()
        var rest = Lib0Encoder(capacity: 256)
        var nextKey: UInt64 = 0
        func writeKey(_ k: String) {
            // Yjs never reuses keys (its key cache is disabled): a new clock and the string each time.
            keyClock.write(nextKey)
            nextKey += 1
            strings.write(k)
        }
        rest.writeVarUInt(UInt64(clients.count))
        for (c, structs) in clients {
            rest.writeVarUInt(UInt64(structs.count))
            client.write(c)
            rest.writeVarUInt(structs[0].id.clock)
            for s in structs {
                switch s.kind {
                case .gc:
                    info.write(0)
                    len.write(s.length)
                case .skip:
                    info.write(10)
                    rest.writeVarUInt(s.length)
                case .item:
                    var inf = s.content.ref
                    if s.origin != nil { inf |= 0x80 }
                    if s.rightOrigin != nil { inf |= 0x40 }
                    if s.parentSub != nil { inf |= 0x20 }
                    info.write(inf)
                    if let o = s.origin {
                        client.write(o.client)
                        leftClock.write(o.clock)
                    }
                    if let r = s.rightOrigin {
                        client.write(r.client)
                        rightClock.write(r.clock)
                    }
                    if s.origin == nil && s.rightOrigin == nil {
                        switch s.parent {
                        case .root(let name):
                            parentInfo.write(1)
                            strings.write(name)
                        case .id(let pid):
                            parentInfo.write(0)
                            client.write(pid.client)
                            leftClock.write(pid.clock)
                        case .none:
                            parentInfo.write(1)
                            strings.write("")
                        }
                        if let key = s.parentSub { strings.write(key) }
                    }
                    switch s.content {
                    case .deleted(let n): len.write(n)
                    case .json(let a):
                        len.write(UInt64(a.count))
                        for j in a { strings.write(j) }
                    case .binary(let b): rest.writeVarBytes(b)
                    case .string(let u): strings.write(units: u)
                    case .embed(let j): rest.writeAny((try? YAny(jsonString: j)) ?? .null)
                    case .format(let k, let v):
                        writeKey(k)
                        rest.writeAny((try? YAny(jsonString: v)) ?? .null)
                    case .type(let kind, _):
                        typeRef.write(UInt64(kind.typeRef))
                        switch kind {
                        case .xmlElement(let name), .xmlHook(let name): writeKey(name)
                        default: break
                        }
                    case .any(let a):
                        len.write(UInt64(a.count))
                        for v in a { rest.writeAny(v) }
                    case .doc(let guid, let options):
                        strings.write(guid)
                        rest.writeAny(options)
                    }
                }
            }
        }
        // Delete set.
        rest.writeVarUInt(UInt64(deleteSet.clients.count))
        for c in deleteSet.clients.keys.sorted(by: >) {
            let ranges = deleteSet.clients[c] ?? []
            rest.writeVarUInt(c)
            rest.writeVarUInt(UInt64(ranges.count))
            var cur: UInt64 = 0
            for r in ranges {
                rest.writeVarUInt(r.clock &- cur)
                rest.writeVarUInt(r.length - 1)
                cur = r.end
            }
        }
        var e = Lib0Encoder(capacity: rest.count + 64)
        e.writeVarUInt(0)
        e.writeVarBytes(keyClock.finish())
        e.writeVarBytes(client.finish())
        e.writeVarBytes(leftClock.finish())
        e.writeVarBytes(rightClock.finish())
        e.writeVarBytes(info.bytes)
        e.writeVarBytes(strings.finish())
        e.writeVarBytes(parentInfo.bytes)
        e.writeVarBytes(typeRef.finish())
        e.writeVarBytes(len.finish())
        e.writeRaw(rest.bytes)
        return e.bytes
    }
}

extension Updates {
    /// Converts a v1 update to v2 (Yjs `convertUpdateFormatV1ToV2`).
    public static func convertV1ToV2(_ update: [UInt8]) throws(CRDTError) -> [UInt8] {
        var d = try DecodedUpdate(v1: update)
        d.deleteSet.sortAndMerge()
        return d.encodeV2()
    }

    /// Converts a v2 update to v1 (Yjs `convertUpdateFormatV2ToV1`).
    public static func convertV2ToV1(_ update: [UInt8]) throws(CRDTError) -> [UInt8] {
        try DecodedUpdate(v2: update).encodeV1()
    }
}

extension YDoc {
    /// Applies a v2 update (same guarantees as ``applyUpdate(_:origin:)``).
    /// - Throws: ``CRDTError`` if the update is malformed.
    public func applyUpdateV2(_ update: [UInt8], origin: AnyHashable? = nil) throws(CRDTError) {
        let v1 = try DecodedUpdate(v2: update).encodeV1()
        try applyUpdate(v1, origin: origin)
    }

    /// Encodes the document (or what `stateVector` lacks) as a v2 update.
    public func encodeStateAsUpdateV2(against stateVector: StateVector? = nil) -> [UInt8] {
        let v1 = encodeStateAsUpdate(against: stateVector)
        return (try? Updates.convertV1ToV2(v1)) ?? []
    }
}
