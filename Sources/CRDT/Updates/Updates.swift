/// Operations on encoded v1 updates that need no document (spec §6): merge, diff, and reading
/// the state vector or delete set an update carries.
public enum Updates {
    /// Merges several v1 updates into one (Yjs `mergeUpdates`). Structs known from several inputs
    /// are written once; gaps between a client's structs are filled with Skip structs; the delete
    /// sets are united.
    /// - Throws: ``CRDTError`` if an input is malformed.
    public static func merge(_ updates: [[UInt8]]) throws(CRDTError) -> [UInt8] {
        if updates.count == 1 { return updates[0] }
        var perClient: [UInt64: [DecodedStruct]] = [:]
        var ds = DeleteSet()
        for u in updates {
            let d = try DecodedUpdate(v1: u)
            for (client, structs) in d.clients {
                perClient[client, default: []].append(contentsOf: structs.lazy.filter { $0.kind != .skip })
            }
            ds = ds.union(d.deleteSet)
        }
        ds.sortAndMerge()
        return encode(perClient, deleteSet: ds)
    }

    /// Writes per-client structs (any order, possibly overlapping) as one update with Skips for gaps.
    static func encode(_ perClient: [UInt64: [DecodedStruct]], deleteSet: DeleteSet) -> [UInt8] {
        var e = Lib0Encoder(capacity: 256)
        let clients = perClient.keys.filter { !(perClient[$0] ?? []).isEmpty }.sorted(by: >)
        e.writeVarUInt(UInt64(clients.count))
        for client in clients {
            var structs = perClient[client] ?? []
            structs.sort { $0.id.clock != $1.id.clock ? $0.id.clock < $1.id.clock : $0.length > $1.length }
            var out: [DecodedStruct] = []
            out.reserveCapacity(structs.count)
            var end: UInt64 = 0
            for var s in structs {
                if let last = out.last {
                    if s.endClock <= end { continue }
                    if s.id.clock < end { s.dropFirst(end - s.id.clock) }
                    if s.id.clock > end {
                        out.append(.skip(ID(client: client, clock: end), s.id.clock - end))
                    } else if last.kind == .gc && s.kind == .gc {
                        out[out.count - 1].length += s.length
                        out[out.count - 1].content = .deleted(out[out.count - 1].length)
                        end = s.endClock
                        continue
                    }
                }
                end = s.endClock
                out.append(s)
            }
            e.writeVarUInt(UInt64(out.count))
            e.writeVarUInt(client)
            e.writeVarUInt(out[0].id.clock)
            for s in out { s.write(to: &e) }
        }
        deleteSet.write(to: &e)
        return e.bytes
    }

    /// Removes from `update` everything `stateVector` already covers (Yjs `diffUpdate`): structs
    /// below the client's clock are dropped, the one straddling it is sliced, the delete set is kept whole.
    /// - Throws: ``CRDTError`` if the update is malformed.
    public static func diff(_ update: [UInt8], against stateVector: StateVector) throws(CRDTError) -> [UInt8] {
        let d = try DecodedUpdate(v1: update)
        var blocks: [(client: UInt64, structs: [DecodedStruct])] = []
        for (client, structs) in d.clients {
            let sv = stateVector[client]
            var out: [DecodedStruct] = []
            for var s in structs {
                if out.isEmpty {
                    if s.kind == .skip || s.endClock <= sv { continue }
                    if s.id.clock < sv { s.dropFirst(sv - s.id.clock) }
                }
                out.append(s)
            }
            if !out.isEmpty {
                if let last = blocks.last, last.client == client {
                    blocks[blocks.count - 1].structs.append(contentsOf: out)
                } else {
                    blocks.append((client, out))
                }
            }
        }
        var e = Lib0Encoder(capacity: update.count)
        e.writeVarUInt(UInt64(blocks.count))
        for (client, structs) in blocks {
            e.writeVarUInt(UInt64(structs.count))
            e.writeVarUInt(client)
            e.writeVarUInt(structs[0].id.clock)
            for s in structs { s.write(to: &e) }
        }
        d.deleteSet.write(to: &e)
        return e.bytes
    }

    /// The state vector a document would have after applying only this update to an empty
    /// document: per client, the end of the run that starts at clock 0 without a gap.
    public static func stateVector(of update: [UInt8]) throws(CRDTError) -> StateVector {
        let d = try DecodedUpdate(v1: update)
        var sv = StateVector()
        for (client, structs) in d.clients {
            var clock: UInt64 = sv[client]
            for s in structs {
                if s.kind == .skip || s.id.clock > clock { break }
                clock = max(clock, s.endClock)
            }
            if clock > 0 { sv[client] = clock }
        }
        return sv
    }

    /// The delete set carried by an update (sorted and merged).
    public static func deleteSet(of update: [UInt8]) throws(CRDTError) -> DeleteSet {
        var ds = try DecodedUpdate(v1: update).deleteSet
        ds.sortAndMerge()
        return ds
    }

    /// Per client, the first clock and the end clock present in the update (Yjs `parseUpdateMeta`).
    public static func meta(of update: [UInt8]) throws(CRDTError) -> (from: StateVector, to: StateVector) {
        let d = try DecodedUpdate(v1: update)
        var from = StateVector()
        var to = StateVector()
        for (client, structs) in d.clients {
            guard let first = structs.first, let last = structs.last else { continue }
            from[client] = min(from.clocks[client] ?? first.id.clock, first.id.clock)
            to[client] = max(to[client], last.endClock)
        }
        return (from, to)
    }
}

/// Merges several v1 updates into one (Yjs `Y.mergeUpdates`).
public func mergeUpdates(_ updates: [[UInt8]]) throws(CRDTError) -> [UInt8] { try Updates.merge(updates) }

/// Removes what `stateVector` covers from an update (Yjs `Y.diffUpdate`).
public func diffUpdate(_ update: [UInt8], against stateVector: StateVector) throws(CRDTError) -> [UInt8] {
    try Updates.diff(update, against: stateVector)
}

/// The state vector of an update (Yjs `Y.encodeStateVectorFromUpdate`, decoded).
public func stateVectorFromUpdate(_ update: [UInt8]) throws(CRDTError) -> StateVector { try Updates.stateVector(of: update) }

/// The delete set of an update.
public func deleteSetFromUpdate(_ update: [UInt8]) throws(CRDTError) -> DeleteSet { try Updates.deleteSet(of: update) }

extension DocStore {
    /// Pending structs and deletions encoded as one update (with Skips for gaps). Parts of pending
    /// structs that the store already covers are left out, so the store's structs win when merged.
    func encodePending() -> [UInt8] {
        var filtered: [UInt64: [DecodedStruct]] = [:]
        for (client, structs) in pendingStructs {
            let st = state(client)
            var out: [DecodedStruct] = []
            for var s in structs where s.kind != .skip && s.endClock > st {
                if s.id.clock < st { s.dropFirst(st - s.id.clock) }
                out.append(s)
            }
            if !out.isEmpty { filtered[client] = out }
        }
        return Updates.encode(filtered, deleteSet: pendingDeletes)
    }
}
