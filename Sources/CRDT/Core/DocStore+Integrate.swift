/// Integration of remote structs (spec §4.1–4.6): dependency resolution, YATA conflict resolution,
/// pending structs and delete sets.
extension DocStore {
    /// Integrates decoded struct runs (Yjs `integrateStructs`): highest client first, following
    /// missing dependencies depth-first with a stack. Returns what could not be integrated (by
    /// client) and the clocks whose arrival could unblock it.
    /// `input` is consumed (moved into the queues so they are uniquely owned and can be mutated in place).
    mutating func integrateStructs(_ input: inout [UInt64: [DecodedStruct]]) -> (rest: [UInt64: [DecodedStruct]], missing: [UInt64: UInt64]) {
        // Queues sorted by client ascending; the highest client is taken first.
        let qClients = input.keys.filter { !(input[$0] ?? []).isEmpty }.sorted()
        var qStructs: [[DecodedStruct]] = []
        qStructs.reserveCapacity(qClients.count)
        for c in qClients { qStructs.append(input.removeValue(forKey: c) ?? []) }
        input = [:]
        var qPos = [Int](repeating: 0, count: qClients.count)
        var alive = [Bool](repeating: true, count: qClients.count)
        var rest: [UInt64: [DecodedStruct]] = [:]
        var missing: [UInt64: UInt64] = [:]
        var stack: [(q: Int, i: Int)] = []
        var lookup: [UInt64: Int] = [:]
        if qClients.count > 8 {
            for (q, c) in qClients.enumerated() { lookup[c] = q }
        }
        func queueIndex(_ client: UInt64) -> Int? {
            if qClients.count > 8 { return lookup[client] }
            for (q, c) in qClients.enumerated() where c == client { return q }
            return nil
        }
        func updateMissing(_ client: UInt64, _ clock: UInt64) {
            if let m = missing[client], m <= clock { return }
            missing[client] = clock
        }
        var order = qClients.count - 1
        func nextTarget() -> Int? {
            while order >= 0 {
                if alive[order] && qPos[order] < qStructs[order].count { return order }
                order -= 1
            }
            return nil
        }
        func addStackToRest() {
            for (q, i) in stack where alive[q] {
                rest[qClients[q], default: []].append(contentsOf: qStructs[q][i...])
                alive[q] = false
                qStructs[q] = []
            }
            stack.removeAll()
        }

        guard var current = nextTarget() else { return (rest, missing) }
        var head = (q: current, i: qPos[current])
        qPos[current] += 1
        var cachedClient = UInt64.max
        var cachedState: UInt64 = 0
        while true {
            if alive[head.q] && qStructs[head.q][head.i].kind != .skip {
                let client = qClients[head.q]
                let clock = qStructs[head.q][head.i].id.clock
                if client != cachedClient {
                    cachedClient = client
                    cachedState = state(client)
                }
                let localClock = cachedState
                if localClock < clock {
                    // A gap in this client's clocks: wait for it.
                    stack.append(head)
                    updateMissing(client, clock - 1)
                    addStackToRest()
                } else if localClock >= qStructs[head.q][head.i].endClock {
                    // Already known.
                } else if localClock > clock {
                    // Partly known: keep only the new part, then look at it again.
                    qStructs[head.q][head.i].dropFirst(localClock - clock)
                    continue
                } else if let miss = missingDependency(q: head.q, i: head.i, in: qStructs) {
                    stack.append(head)
                    if let mq = queueIndex(miss), alive[mq], qPos[mq] < qStructs[mq].count {
                        head = (mq, qPos[mq])
                        qPos[mq] += 1
                        continue
                    }
                    updateMissing(miss, state(miss))
                    addStackToRest()
                } else {
                    integrate(&qStructs[head.q][head.i])
                    cachedClient = UInt64.max
                }
            }
            if let s = stack.popLast() {
                head = s
            } else if alive[current] && qPos[current] < qStructs[current].count {
                head = (current, qPos[current])
                qPos[current] += 1
            } else if let c = nextTarget() {
                current = c
                head = (c, qPos[c])
                qPos[c] += 1
            } else {
                break
            }
        }
        for (c, list) in rest where list.count > 1 {
            rest[c] = list.sorted { $0.id.clock < $1.id.clock }
        }
        return (rest, missing)
    }

    /// The client of a dependency of `s` that is not integrated yet.
    func missingDependency(of s: borrowing DecodedStruct) -> UInt64? {
        guard s.kind == .item else { return nil }
        let client = s.id.client
        if let o = s.origin, o.client != client, o.clock >= state(o.client) { return o.client }
        if let r = s.rightOrigin, r.client != client, r.clock >= state(r.client) { return r.client }
        if case .id(let p) = s.parent, p.client != client, p.clock >= state(p.client) { return p.client }
        return nil
    }

    /// The client of a dependency (origin, right origin, parent) that is not integrated yet.
    func missingDependency(q: Int, i: Int, in queues: [[DecodedStruct]]) -> UInt64? {
        guard queues[q][i].kind == .item else { return nil }
        let client = queues[q][i].id.client
        if let o = queues[q][i].origin, o.client != client, o.clock >= state(o.client) { return o.client }
        if let r = queues[q][i].rightOrigin, r.client != client, r.clock >= state(r.client) { return r.client }
        if case .id(let p) = queues[q][i].parent, p.client != client, p.clock >= state(p.client) { return p.client }
        return nil
    }

    /// Integrates one struct whose dependencies are all present (§4.1 step 5 and §4.2).
    /// The decoded struct's content is moved out (it is not used again).
    mutating func integrate(_ s: inout DecodedStruct) {
        if s.kind == .gc {
            addStruct(allocate(.gc(id: s.id, length: s.length)))
            return
        }
        // Resolve neighbours (splitting so they end/start exactly at the origins).
        var left = Item.none
        var right = Item.none
        var parent: Int32 = Item.none
        var parentSub = s.parentSub
        var parentIsGC = false
        if let o = s.origin {
            left = getItemCleanEnd(o)
            if left >= 0 { s.origin = ID(client: items[Int(left)].id.client, clock: items[Int(left)].id.clock &+ items[Int(left)].length &- 1) }
        }
        if let r = s.rightOrigin {
            // Shortcut: the struct right of the origin usually contains the right origin.
            if left >= 0, case let n = items[Int(left)].right, n >= 0, items[Int(n)].id.client == r.client,
                items[Int(n)].id.clock <= r.clock, r.clock < items[Int(n)].id.clock &+ items[Int(n)].length
            {
                let start = items[Int(n)].id.clock
                right = r.clock > start ? splitItem(n, r.clock - start) : n
            } else {
                right = getItemCleanStart(r)
            }
            if right >= 0 { s.rightOrigin = items[Int(right)].id }
        }
        if (left >= 0 && (items[Int(left)].flags & Item.gcFlag != 0)) || (right >= 0 && (items[Int(right)].flags & Item.gcFlag != 0)) {
            parentIsGC = true
        } else {
            switch s.parent {
            case .none:
                if left >= 0 {
                    parent = items[Int(left)].parent
                    parentSub = items[Int(left)].parentSub
                } else if right >= 0 {
                    parent = items[Int(right)].parent
                    parentSub = items[Int(right)].parentSub
                }
            case .root(let name):
                parent = root(name)
            case .id(let pid):
                let p = find(pid)
                if p >= 0, !(items[Int(p)].flags & Item.gcFlag != 0), case .type(_, let t) = items[Int(p)].content {
                    parent = t
                }
            }
        }
        if parentIsGC || parent < 0 {
            addStruct(allocate(.gc(id: s.id, length: s.length)))
            return
        }
        let content = s.content
        s.content = .deleted(0)
        let idx = allocate(
            Item(
                id: s.id, length: s.length, origin: s.origin, rightOrigin: s.rightOrigin, parent: parent,
                parentSub: parentSub, content: content))
        items[Int(idx)].left = left
        items[Int(idx)].right = right
        if !tr.local && !types[Int(parent)].markers.isEmpty { types[Int(parent)].markers.removeAll() }
        integrateItem(at: idx)
    }

    /// YATA integration of an item whose `left`/`right` are set to its origins' items (§4.2).
    /// Returns the item's arena index.
    @discardableResult
    mutating func integrateItem(_ newItem: consuming Item) -> Int32 {
        integrateItem(at: allocate(newItem))
    }

    /// YATA integration of the allocated (not yet linked) item `idx`.
    @discardableResult
    mutating func integrateItem(at idx: Int32) -> Int32 {
        let i = Int(idx)
        let parent = items[i].parent
        let key = items[i].parentSub
        let startLeft = items[i].left
        let startRight = items[i].right
        // Does something sit between origin and rightOrigin?
        let needScan: Bool
        if startLeft == Item.none {
            needScan = startRight == Item.none || items[Int(startRight)].left != Item.none
        } else {
            needScan = items[Int(startLeft)].right != startRight
        }
        var itemLeft = startLeft
        if needScan {
            let origin = items[i].origin
            let rightOrigin = items[i].rightOrigin
            let client = items[i].id.client
            var left = startLeft
            var o: Int32
            if left != Item.none {
                o = items[Int(left)].right
            } else if let k = key {
                o = firstOfKeyChain(parent, k)
            } else {
                o = types[Int(parent)].start
            }
            var conflicting = Set<Int32>()
            var beforeOrigin = Set<Int32>()
            while o != Item.none && o != startRight {
                beforeOrigin.insert(o)
                conflicting.insert(o)
                let oOrigin = items[Int(o)].origin
                if oOrigin == origin {
                    if items[Int(o)].id.client < client {
                        left = o
                        conflicting.removeAll()
                    } else if items[Int(o)].rightOrigin == rightOrigin {
                        break
                    }
                } else if let oo = oOrigin, beforeOrigin.contains(find(oo)) {
                    if !conflicting.contains(find(oo)) {
                        left = o
                        conflicting.removeAll()
                    }
                } else {
                    break
                }
                o = items[Int(o)].right
            }
            itemLeft = left
            items[i].left = left
        }
        // Link.
        let itemRight: Int32
        if itemLeft != Item.none {
            itemRight = items[Int(itemLeft)].right
            items[Int(itemLeft)].right = idx
        } else if let k = key {
            itemRight = firstOfKeyChain(parent, k)
        } else {
            itemRight = types[Int(parent)].start
            types[Int(parent)].start = idx
        }
        items[i].right = itemRight
        if itemRight != Item.none {
            items[Int(itemRight)].left = idx
        } else if let k = key {
            types[Int(parent)].map[k] = idx
            if itemLeft != Item.none { deleteItem(itemLeft) }
        }
        if key == nil && (items[i].flags & (Item.deletedFlag | Item.countableFlag) == Item.countableFlag) {
            types[Int(parent)].length += items[i].length
        }
        addStruct(idx)
        // Content-specific integration.
        switch items[i].content {
        case .deleted(let n):
            items[i].flags |= Item.deletedFlag
            tr.deleteSet.add(client: items[i].id.client, clock: items[i].id.clock, length: n)
        case .type(let kind, _):
            types.append(TypeRecord(kind: kind, item: idx, rootName: nil))
            items[i].content = .type(kind, index: Int32(types.count - 1))
        case .format:
            types[Int(parent)].hasFormatting = true
        case .doc(let guid, _):
            tr.subdocsAdded.append(guid)
        default:
            break
        }
        markChanged(parent, key)
        if isTypeDeleted(parent) || (key != nil && itemRight != Item.none) {
            deleteItem(idx)
        }
        return idx
    }

    /// Deletes an item (§4.4). Deleting a type deletes its whole subtree (iteratively).
    mutating func deleteItem(_ idx: Int32) {
        // Fast path (no work list): an item that is not a nested type or a sub-document.
        switch items[Int(idx)].content {
        case .type, .doc: break
        default:
            let it = Int(idx)
            if items[it].flags & Item.deletedFlag != 0 { return }
            let parent = items[it].parent
            if items[it].flags & Item.countableFlag != 0 && items[it].parentSub == nil && parent >= 0 {
                types[Int(parent)].length -= items[it].length
            }
            items[it].flags |= Item.deletedFlag
            let id = items[it].id
            tr.deleteSet.add(client: id.client, clock: id.clock, length: items[it].length)
            tr.collectSet.add(client: id.client, clock: id.clock, length: items[it].length)
            if parent >= 0 { markChanged(parent, items[it].parentSub) }
            return
        }
        var work: [Int32] = [idx]
        while let i = work.popLast() {
            let it = Int(i)
            if (items[it].flags & Item.deletedFlag != 0) { continue }
            let parent = items[it].parent
            let key = items[it].parentSub
            if (items[it].flags & Item.countableFlag != 0) && key == nil && parent >= 0 {
                types[Int(parent)].length -= items[it].length
            }
            items[it].flags |= Item.deletedFlag
            tr.deleteSet.add(client: items[it].id.client, clock: items[it].id.clock, length: items[it].length)
            tr.collectSet.add(client: items[it].id.client, clock: items[it].id.clock, length: items[it].length)
            if parent >= 0 { markChanged(parent, key) }
            switch items[it].content {
            case .type(_, let t):
                var c = types[Int(t)].start
                while c != Item.none {
                    if !(items[Int(c)].flags & Item.deletedFlag != 0) {
                        work.append(c)
                    } else if items[Int(c)].id.clock < beforeClock(items[Int(c)].id.client) {
                        tr.mergeStructs.append(items[Int(c)].id)
                    }
                    c = items[Int(c)].right
                }
                for (_, v) in types[Int(t)].map {
                    if !(items[Int(v)].flags & Item.deletedFlag != 0) {
                        work.append(v)
                    } else if items[Int(v)].id.clock < beforeClock(items[Int(v)].id.client) {
                        tr.mergeStructs.append(items[Int(v)].id)
                    }
                }
                tr.changed[t] = nil
            case .doc(let guid, _):
                tr.subdocsRemoved.append(guid)
            default:
                break
            }
        }
    }

    /// Applies a delete set (§4.5). Returns the ranges that refer to structs not known yet.
    mutating func applyDeleteSet(_ ds: DeleteSet) -> DeleteSet {
        var unapplied = DeleteSet()
        for (client, ranges) in ds.clients {
            let st = state(client)
            for r in ranges {
                let end = r.end
                if r.clock < st {
                    if st < end { unapplied.add(client: client, clock: st, length: end - st) }
                    guard let ci = slot(client), var i = findIndex(ci, r.clock) else { continue }
                    var idx = clientStructs[ci][i]
                    if !(items[Int(idx)].flags & Item.deletedFlag != 0) && !(items[Int(idx)].flags & Item.gcFlag != 0) && items[Int(idx)].id.clock < r.clock {
                        _ = splitItem(idx, r.clock - items[Int(idx)].id.clock)
                        i += 1
                    }
                    while i < clientStructs[ci].count {
                        idx = clientStructs[ci][i]
                        let start = items[Int(idx)].id.clock
                        if start >= end { break }
                        if !(items[Int(idx)].flags & Item.deletedFlag != 0) && !(items[Int(idx)].flags & Item.gcFlag != 0) {
                            if end < (items[Int(idx)].id.clock &+ items[Int(idx)].length) {
                                _ = splitItem(idx, end - start)
                            }
                            if !tr.local, items[Int(idx)].parent >= 0 {
                                types[Int(items[Int(idx)].parent)].markers.removeAll()
                            }
                            deleteItem(idx)
                        }
                        i += 1
                    }
                } else {
                    unapplied.add(client: client, clock: r.clock, length: r.length)
                }
            }
        }
        return unapplied
    }
}
