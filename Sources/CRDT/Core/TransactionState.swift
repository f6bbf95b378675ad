/// Bookkeeping of the open transaction.
struct TransactionState {
    var active = false
    var local = true
    /// Clients whose state changed in this transaction, with their state before it (small, linear lookup).
    var beforeState: [(client: UInt64, clock: UInt64)] = []
    /// What this transaction deleted (written in its update).
    var deleteSet = DeleteSet()
    /// The items this transaction deleted itself (not ContentDeleted structs received as such):
    /// the ones garbage collection and merging have to look at.
    var collectSet = DeleteSet()
    /// Items whose neighbourhood changed (splits, replaced structs): try to merge them at the end.
    var mergeStructs: [ID] = []
    /// Changed types and the map keys changed in each (nil key = sequence change). Only filled when observed.
    var changed: [Int32: Set<String?>] = [:]
    var trackChanges = false
    /// Types that became deleted: their observers are not called.
    var anyChange = false
    /// Whether any Format item was involved (for text clean-up bookkeeping).
    var subdocsAdded: [String] = []
    var subdocsRemoved: [String] = []

    mutating func reset(local: Bool, trackChanges: Bool) {
        active = true
        self.local = local
        beforeState.removeAll(keepingCapacity: true)
        deleteSet.removeAll()
        collectSet.removeAll()
        mergeStructs.removeAll(keepingCapacity: true)
        if !changed.isEmpty { changed = [:] }
        self.trackChanges = trackChanges
        anyChange = false
        subdocsAdded.removeAll()
        subdocsRemoved.removeAll()
    }
}

extension DocStore {
    /// Records `client`'s state before this transaction added anything to it.
    @inline(__always)
    mutating func noteBeforeState(_ client: UInt64) {
        for e in tr.beforeState where e.client == client { return }
        tr.beforeState.append((client, state(client)))
    }

    /// The state of `client` when the transaction started.
    func beforeClock(_ client: UInt64) -> UInt64 {
        for e in tr.beforeState where e.client == client { return e.clock }
        return state(client)
    }

    /// Marks a type as changed (for observers).
    @inline(__always)
    mutating func markChanged(_ t: Int32, _ key: String?) {
        tr.anyChange = true
        if tr.trackChanges {
            tr.changed[t, default: []].insert(key)
        }
    }
}
