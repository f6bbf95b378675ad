/// The whole mutable state of a document: the item arena, per-client struct lists, the shared
/// types, pending data and the open transaction.
///
/// It is a struct so that the hot algorithms run as `mutating` methods without the dynamic
/// exclusivity checks and reference counting that class properties would cost; ``YDoc`` owns it.
struct DocStore {
    var items: [Item] = []
    var freeItems: [Int32] = []
    var types: [TypeRecord] = []
    var roots: [String: Int32] = [:]

    /// client id → index into `clientStructs`.
    var clientIndex: [UInt64: Int] = [:]
    var clientIDs: [UInt64] = []
    /// Per client, struct indices sorted by clock, contiguous from clock 0.
    var clientStructs: [StructList] = []

    /// Structs that could not be integrated yet, by client (sorted by clock).
    var pendingStructs: [UInt64: [DecodedStruct]] = [:]
    /// client → lowest clock whose arrival may unblock `pendingStructs`.
    var pendingMissing: [UInt64: UInt64] = [:]
    /// Deletions of ranges not known yet.
    var pendingDeletes = DeleteSet()

    var gcEnabled: Bool
    var localClient: UInt64
    var tr = TransactionState()

    init(clientID: UInt64, gc: Bool) {
        self.localClient = clientID
        self.gcEnabled = gc
    }

    // MARK: arena

    mutating func allocate(_ item: consuming Item) -> Int32 {
        if let slot = freeItems.popLast() {
            items[Int(slot)] = item
            return slot
        }
        items.append(item)
        return Int32(items.count - 1)
    }

    mutating func free(_ idx: Int32) {
        items[Int(idx)].content = .deleted(0)
        items[Int(idx)].parentSub = nil
        items[Int(idx)].flags = Item.gcFlag | Item.deletedFlag
        freeItems.append(idx)
    }

    // MARK: clients and lookup

    /// The slot of `client` in the per-client arrays (a linear scan beats hashing for a few clients).
    @inline(__always)
    func slot(_ client: UInt64) -> Int? {
        if clientIDs.count <= 8 {
            for i in 0..<clientIDs.count where clientIDs[i] == client { return i }
            return nil
        }
        return clientIndex[client]
    }

    /// The next expected clock of `client`.
    func state(_ client: UInt64) -> UInt64 {
        guard let ci = slot(client), let last = clientStructs[ci].last else { return 0 }
        return (items[Int(last)].id.clock &+ items[Int(last)].length)
    }

    var stateVector: StateVector {
        var sv = StateVector()
        for (ci, client) in clientIDs.enumerated() {
            if let last = clientStructs[ci].last { sv[client] = (items[Int(last)].id.clock &+ items[Int(last)].length) }
        }
        return sv
    }

    mutating func clientSlot(_ client: UInt64) -> Int {
        if let ci = slot(client) { return ci }
        let ci = clientStructs.count
        clientIndex[client] = ci
        clientIDs.append(client)
        clientStructs.append(StructList())
        return ci
    }

    /// Index in client slot `ci`'s list of the struct containing `clock`, or nil if not covered.
    func findIndex(_ ci: Int, _ clock: UInt64) -> Int? {
        guard let last = clientStructs[ci].last else { return nil }
        if clock >= (items[Int(last)].id.clock &+ items[Int(last)].length) { return nil }
        return clientStructs[ci].lastPosition(startingAtOrBefore: clock)
    }

    /// The struct containing `id` (no splitting), or -1.
    func find(_ id: ID) -> Int32 {
        guard let ci = slot(id.client), let i = findIndex(ci, id.clock) else { return Item.none }
        return clientStructs[ci][i]
    }

    /// Appends a struct at the end of its client's list (its clock must equal the client's state).
    mutating func addStruct(_ idx: Int32) {
        let client = items[Int(idx)].id.client
        let ci = clientSlot(client)
        noteBeforeState(client)
        clientStructs[ci].append(idx, clock: items[Int(idx)].id.clock)
    }

    // MARK: splitting

    /// Splits item `idx` so that the returned item starts at `diff` units into it.
    mutating func splitItem(_ idx: Int32, _ diff: UInt64) -> Int32 {
        let i = Int(idx)
        let lid = items[i].id
        let rightContent = items[i].content.split(at: Int(diff))
        let rid = ID(client: lid.client, clock: lid.clock + diff)
        let parentSub = items[i].parentSub
        let parent = items[i].parent
        var right = Item(
            id: rid, length: items[i].length - diff, origin: ID(client: rid.client, clock: rid.clock - 1),
            rightOrigin: items[i].rightOrigin, parent: parent, parentSub: parentSub, content: rightContent)
        right.flags = items[i].flags
        right.left = idx
        let oldRight = items[i].right
        right.right = oldRight
        let ridx = allocate(right)
        if oldRight != Item.none { items[Int(oldRight)].left = ridx }
        items[i].right = ridx
        items[i].length = diff
        // Insert after idx in the client list.
        if let ci = slot(rid.client), let pos = findIndex(ci, lid.clock) {
            clientStructs[ci].insert(ridx, clock: rid.clock, at: pos + 1)
        }
        tr.mergeStructs.append(rid)
        if let key = parentSub, oldRight == Item.none, parent >= 0 {
            types[Int(parent)].map[key] = ridx
        }
        return ridx
    }

    /// The item starting exactly at `id` (splitting if needed). GC structs are not split.
    mutating func getItemCleanStart(_ id: ID) -> Int32 {
        let idx = find(id)
        guard idx >= 0 else { return idx }
        let start = items[Int(idx)].id.clock
        if start < id.clock && !(items[Int(idx)].flags & Item.gcFlag != 0) {
            return splitItem(idx, id.clock - start)
        }
        return idx
    }

    /// The item ending exactly at `id` (splitting if needed). GC structs are not split.
    mutating func getItemCleanEnd(_ id: ID) -> Int32 {
        let idx = find(id)
        guard idx >= 0 else { return idx }
        let start = items[Int(idx)].id.clock
        if id.clock != (items[Int(idx)].id.clock &+ items[Int(idx)].length) - 1 && !(items[Int(idx)].flags & Item.gcFlag != 0) {
            _ = splitItem(idx, id.clock - start + 1)
        }
        return idx
    }

    // MARK: types

    /// The root type named `name`, created (untyped) if needed.
    mutating func root(_ name: String) -> Int32 {
        if let t = roots[name] { return t }
        types.append(TypeRecord(kind: nil, item: Item.none, rootName: name))
        let t = Int32(types.count - 1)
        roots[name] = t
        return t
    }

    /// True if the type was deleted (its holding item is deleted or collected).
    func isTypeDeleted(_ t: Int32) -> Bool {
        let rec = types[Int(t)]
        if rec.isCollected { return true }
        return rec.item >= 0 && (items[Int(rec.item)].flags & Item.deletedFlag != 0)
    }

    /// The first item of the chain of map key `key` (walks left from the current value).
    func firstOfKeyChain(_ t: Int32, _ key: String) -> Int32 {
        guard var o = types[Int(t)].map[key] else { return Item.none }
        while items[Int(o)].left != Item.none { o = items[Int(o)].left }
        return o
    }
}
