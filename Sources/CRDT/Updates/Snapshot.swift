/// A snapshot of a document: its delete set and state vector at some moment (spec §7).
///
/// Encoded (v1) as `deleteSet • stateVector`. With garbage collection turned off, a document can
/// render its content as it was at a snapshot and rebuild a document from it.
public struct Snapshot: Hashable, Sendable {
    /// What was deleted at the moment of the snapshot.
    public var deleteSet: DeleteSet
    /// What was known at the moment of the snapshot.
    public var stateVector: StateVector

    /// Creates a snapshot from its parts (the delete set is normalised).
    public init(deleteSet: DeleteSet, stateVector: StateVector) {
        var ds = deleteSet
        ds.sortAndMerge()
        self.deleteSet = ds
        self.stateVector = stateVector
    }

    /// Decodes a v1 snapshot.
    /// - Throws: ``CRDTError`` on malformed input.
    public init(encoded bytes: [UInt8]) throws(CRDTError) {
        var d = Lib0Decoder(bytes)
        var ds = try DeleteSet(from: &d)
        ds.sortAndMerge()
        deleteSet = ds
        stateVector = try StateVector(from: &d)
    }

    /// The v1 encoding.
    public var encoded: [UInt8] {
        var e = Lib0Encoder()
        deleteSet.write(to: &e)
        stateVector.write(to: &e)
        return e.bytes
    }

    /// True if an item existed at the snapshot and was not deleted then.
    func isVisible(_ item: Item) -> Bool {
        stateVector[item.id.client] > item.id.clock && !deleteSet.contains(item.id)
    }
}

extension YDoc {
    /// Takes a snapshot of the current state.
    public func snapshot() -> Snapshot {
        Snapshot(deleteSet: deleteSet, stateVector: stateVector)
    }

    /// Splits items at the snapshot's boundaries so visibility can be decided per item.
    func splitForSnapshot(_ snapshot: Snapshot) {
        for (client, clock) in snapshot.stateVector.clocks where clock < store.state(client) && clock > 0 {
            _ = store.getItemCleanStart(ID(client: client, clock: clock))
        }
        for (client, ranges) in snapshot.deleteSet.clients {
            let st = store.state(client)
            for r in ranges {
                if r.clock < st { _ = store.getItemCleanStart(ID(client: client, clock: r.clock)) }
                if r.end < st { _ = store.getItemCleanStart(ID(client: client, clock: r.end)) }
            }
        }
    }

    /// Builds a new document holding this document's content as it was at `snapshot`.
    /// - Throws: ``CRDTError/invalidOperation`` if garbage collection is on (old content is gone).
    public func createDocFromSnapshot(_ snapshot: Snapshot, gc: Bool = false) throws(CRDTError) -> YDoc {
        guard !store.gcEnabled else { throw CRDTError.invalidOperation.with(detail: "snapshots need gc: false") }
        let update: [UInt8] = withTransaction {
            splitForSnapshot(snapshot)
            var e = Lib0Encoder(capacity: 256)
            var blocks: [(client: UInt64, ci: Int, end: Int)] = []
            for (client, clock) in snapshot.stateVector.clocks where clock > 0 {
                guard let ci = store.clientIndex[client] else { continue }
                let structs = store.clientStructs[ci]
                var end = 0
                while end < structs.count, store.items[Int(structs[end])].id.clock < clock { end += 1 }
                if end > 0 { blocks.append((client, ci, end)) }
            }
            blocks.sort { $0.client > $1.client }
            e.writeVarUInt(UInt64(blocks.count))
            for (client, ci, end) in blocks {
                e.writeVarUInt(UInt64(end))
                e.writeVarUInt(client)
                e.writeVarUInt(0)
                for i in 0..<end { store.writeStruct(store.clientStructs[ci][i], offset: 0, to: &e) }
            }
            snapshot.deleteSet.write(to: &e)
            return e.bytes
        }
        let doc = YDoc(gc: gc)
        try doc.applyUpdate(update)
        return doc
    }
}

extension Snapshot {
    /// True if both snapshots describe the same state.
    public static func equal(_ a: Snapshot, _ b: Snapshot) -> Bool { a == b }
}
