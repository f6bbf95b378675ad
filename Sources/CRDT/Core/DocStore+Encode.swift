/// Writing the store as v1 updates (§3.3, §4.8).
extension DocStore {
    /// Writes one struct of the store with `offset` units skipped.
    func writeStruct(_ idx: Int32, offset: UInt64, to e: inout Lib0Encoder) {
        let it = items[Int(idx)]
        if it.isGC {
            e.writeUInt8(0)
            e.writeVarUInt(it.length - offset)
            return
        }
        let origin = offset > 0 ? ID(client: it.id.client, clock: it.id.clock + offset - 1) : it.origin
        var info = it.content.ref
        if origin != nil { info |= 0x80 }
        if it.rightOrigin != nil { info |= 0x40 }
        if it.parentSub != nil { info |= 0x20 }
        e.writeUInt8(info)
        if let o = origin {
            e.writeVarUInt(o.client)
            e.writeVarUInt(o.clock)
        }
        if let r = it.rightOrigin {
            e.writeVarUInt(r.client)
            e.writeVarUInt(r.clock)
        }
        if origin == nil && it.rightOrigin == nil {
            let p = types[Int(it.parent)]
            if let name = p.rootName {
                e.writeVarUInt(1)
                e.writeVarString(name)
            } else if p.item >= 0 {
                let pid = items[Int(p.item)].id
                e.writeVarUInt(0)
                e.writeVarUInt(pid.client)
                e.writeVarUInt(pid.clock)
            } else {
                // A collected parent: cannot happen for live items (their children become GC).
                e.writeVarUInt(1)
                e.writeVarString("")
            }
            if let key = it.parentSub { e.writeVarString(key) }
        }
        it.content.write(to: &e, offset: Int(offset))
    }

    /// Writes the struct section for every client whose state exceeds `from[client]` (missing = 0),
    /// clients in descending order.
    func writeStructs(from sv: StateVector?, to e: inout Lib0Encoder) {
        var list: [(client: UInt64, ci: Int, clock: UInt64)] = []
        for (ci, client) in clientIDs.enumerated() {
            guard let last = clientStructs[ci].last else { continue }
            let clock = sv?[client] ?? 0
            if (items[Int(last)].id.clock &+ items[Int(last)].length) > clock { list.append((client, ci, clock)) }
        }
        writeStructs(list, to: &e)
    }

    /// Writes the struct section for the given clients (written in descending client order).
    func writeStructs(_ list: [(client: UInt64, ci: Int, clock: UInt64)], to e: inout Lib0Encoder) {
        var list = list
        if list.count > 1 { list.sort { $0.client > $1.client } }
        e.writeVarUInt(UInt64(list.count))
        for (client, ci, clock) in list {
            let structs = clientStructs[ci]
            let first = findIndex(ci, clock) ?? 0
            let firstIdx = structs[first]
            let firstClock = items[Int(firstIdx)].id.clock
            let startClock = max(clock, firstClock)
            e.writeVarUInt(UInt64(structs.count - first))
            e.writeVarUInt(client)
            e.writeVarUInt(startClock)
            writeStruct(firstIdx, offset: startClock - firstClock, to: &e)
            var i = first + 1
            while i < structs.count {
                writeStruct(structs[i], offset: 0, to: &e)
                i += 1
            }
        }
    }

    /// The delete set of the whole store: runs of deleted items and GC structs.
    func deleteSetFromStore() -> DeleteSet {
        var ds = DeleteSet()
        for (ci, client) in clientIDs.enumerated() {
            let structs = clientStructs[ci]
            var i = 0
            while i < structs.count {
                let s = items[Int(structs[i])]
                if s.isDeleted {
                    let start = s.id.clock
                    var end = s.endClock
                    i += 1
                    while i < structs.count, (items[Int(structs[i])].flags & Item.deletedFlag != 0) {
                        end = (items[Int(structs[i])].id.clock &+ items[Int(structs[i])].length)
                        i += 1
                    }
                    ds.add(client: client, clock: start, length: end - start)
                } else {
                    i += 1
                }
            }
        }
        return ds
    }

    /// The v1 update describing the open transaction (structs added since `beforeState` + its delete set).
    /// Returns nil when the transaction changed nothing.
    func transactionUpdate() -> [UInt8]? {
        let grew = tr.beforeState.contains { state($0.client) > $0.clock }
        guard grew || !tr.deleteSet.isEmpty else { return nil }
        var e = Lib0Encoder(capacity: 32)
        if grew {
            var list: [(client: UInt64, ci: Int, clock: UInt64)] = []
            for (client, before) in tr.beforeState {
                guard let ci = slot(client), state(client) > before else { continue }
                list.append((client, ci, before))
            }
            writeStructs(list, to: &e)
        } else {
            e.writeUInt8(0)
        }
        tr.deleteSet.write(to: &e)
        return e.bytes
    }

    /// The whole state (or the part missing from `sv`) as a v1 update, without pending data.
    func encodeState(against sv: StateVector?) -> [UInt8] {
        var e = Lib0Encoder(capacity: 256)
        writeStructs(from: sv, to: &e)
        deleteSetFromStore().write(to: &e)
        return e.bytes
    }
}
