/// Integration of remote structs (spec §4.1–4.6): dependency resolution, YATA conflict resolution,
/// pending structs and delete sets.
extension DocStore {
    /// A per-client queue of decoded structs being integrated.
    struct Queue {
        var structs: [DecodedStruct]
        var i = 0
    }

    /// Integrates decoded struct runs. Returns what could not be integrated (by client) and the
    /// clocks whose arrival could unblock it.
    mutating func integrateStructs(_ input: [UInt64: [DecodedStruct]]) -> (rest: [UInt64: [DecodedStruct]], missing: [UInt64: UInt64]) {
        var queues: [UInt64: Queue] = [:]
        queues.reserveCapacity(input.count)
        for (c, s) in input where !s.isEmpty { queues[c] = Queue(structs: s) }
        var order = queues.keys.sorted()  // highest client last = taken first
        var rest: [UInt64: [DecodedStruct]] = [:]
        var missing: [UInt64: UInt64] = [:]
        var stack: [DecodedStruct] = []

        func updateMissing(_ client: UInt64, _ clock: UInt64) {
            if let m = missing[client], m <= clock { return }
            missing[client] = clock
        }

        // Next struct from the highest remaining client queue.
        func nextTarget() -> UInt64? {
            while let c = order.last {
                if let q = queues[c], q.i < q.structs.count { return c }
                order.removeLast()
            }
            return nil
        }

        func takeNext(_ c: UInt64) -> DecodedStruct {
            let s = queues[c]!.structs[queues[c]!.i]
            queues[c]!.i += 1
            return s
        }

        func addStackToRest() {
            for s in stack {
                let client = s.id.client
                if var q = queues[client] {
                    q.i -= 1
                    rest[client, default: []].append(contentsOf: q.structs[max(q.i, 0)...])
                    queues[client] = nil
                } else {
                    rest[client, default: []].append(s)
                }
                order.removeAll { $0 == client }
            }
            stack.removeAll()
        }

        guard var current = nextTarget() else { return (rest, missing) }
        var head = takeNext(current)
        while true {
            if head.kind != .skip {
                let client = head.id.client
                let localClock = state(client)
                if localClock < head.id.clock {
                    // A gap in this client's clocks: wait for it.
                    stack.append(head)
                    updateMissing(client, head.id.clock - 1)
                    addStackToRest()
                } else if localClock >= head.endClock {
                    // Already known.
                } else if localClock > head.id.clock {
                    // Partly known: keep only the new part, then look at it again.
                    head.dropFirst(localClock - head.id.clock)
                    continue
                } else if let miss = missingDependency(head) {
                    stack.append(head)
                    if let q = queues[miss], q.i < q.structs.count {
                        head = takeNext(miss)
                        continue
                    }
                    updateMissing(miss, state(miss))
                    addStackToRest()
                } else {
                    integrate(head, offset: 0)
                }
            }
            if let s = stack.popLast() {
                head = s
            } else if let q = queues[current], q.i < q.structs.count {
                head = takeNext(current)
            } else if let c = nextTarget() {
                current = c
                head = takeNext(c)
            } else {
                break
            }
        }
        for (c, list) in rest where list.count > 1 {
            rest[c] = list.sorted { $0.id.clock < $1.id.clock }
        }
        return (rest, missing)
    }

    /// The client of a dependency (origin, right origin, parent) that is not integrated yet.
    func missingDependency(_ s: DecodedStruct) -> UInt64? {
        guard s.kind == .item else { return nil }
        if let o = s.origin, o.client != s.id.client, o.clock >= state(o.client) { return o.client }
        if let r = s.rightOrigin, r.client != s.id.client, r.clock >= state(r.client) { return r.client }
        if case .id(let p) = s.parent, p.client != s.id.client, p.clock >= state(p.client) { return p.client }
        return nil
    }

    /// Integrates one struct whose dependencies are all present (§4.1 step 5 and §4.2).
    mutating func integrate(_ s: DecodedStruct, offset: UInt64) {
        var s = s
        if s.kind == .gc {
            if offset > 0 { s.dropFirst(offset) }
            addStruct(allocate(.gc(id: s.id, length: s.length)))
            return
        }
        // Resolve neighbours (splitting so they end/start exactly at the origins).
        var left = Item.none
        var right = Item.none
        var parent: Int32 = Item.none
        var parentSub = s.parentSub
        var parentIsGC = false
        if offset > 0 {
            s.dropFirst(offset)
        }
        if let o = s.origin {
            left = getItemCleanEnd(o)
            if left >= 0 { s.origin = items[Int(left)].lastID }
        }
        if let r = s.rightOrigin {
            right = getItemCleanStart(r)
            if right >= 0 { s.rightOrigin = items[Int(right)].id }
        }
        if (left >= 0 && items[Int(left)].isGC) || (right >= 0 && items[Int(right)].isGC) {
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
                if p >= 0, !items[Int(p)].isGC, case .type(_, let t) = items[Int(p)].content {
                    parent = t
                }
            }
        }
        if parentIsGC || parent < 0 {
            addStruct(allocate(.gc(id: s.id, length: s.length)))
            return
        }
        var item = Item(
            id: s.id, length: s.length, origin: s.origin, rightOrigin: s.rightOrigin, parent: parent,
            parentSub: parentSub, content: s.content)
        item.left = left
        item.right = right
        if !tr.local { types[Int(parent)].markers.removeAll() }
        integrateItem(item)
    }

    /// YATA integration of an item whose `left`/`right` are set to its origins' items (§4.2).
    /// Returns the item's arena index.
    @discardableResult
    mutating func integrateItem(_ newItem: Item) -> Int32 {
        var item = newItem
        let parent = item.parent
        let key = item.parentSub
        // Does something sit between origin and rightOrigin?
        let needScan: Bool
        if item.left == Item.none {
            needScan = item.right == Item.none || items[Int(item.right)].left != Item.none
        } else {
            needScan = items[Int(item.left)].right != item.right
        }
        if needScan {
            var left = item.left
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
            while o != Item.none && o != item.right {
                beforeOrigin.insert(o)
                conflicting.insert(o)
                let oi = items[Int(o)]
                if oi.origin == item.origin {
                    if oi.id.client < item.id.client {
                        left = o
                        conflicting.removeAll()
                    } else if oi.rightOrigin == item.rightOrigin {
                        break
                    }
                } else if let oo = oi.origin, beforeOrigin.contains(find(oo)) {
                    if !conflicting.contains(find(oo)) {
                        left = o
                        conflicting.removeAll()
                    }
                } else {
                    break
                }
                o = oi.right
            }
            item.left = left
        }
        // Link.
        let idx: Int32
        if item.left != Item.none {
            item.right = items[Int(item.left)].right
            idx = allocate(item)
            items[Int(item.left)].right = idx
        } else if let k = key {
            item.right = firstOfKeyChain(parent, k)
            idx = allocate(item)
        } else {
            item.right = types[Int(parent)].start
            idx = allocate(item)
            types[Int(parent)].start = idx
        }
        if item.right != Item.none {
            items[Int(item.right)].left = idx
        } else if let k = key {
            types[Int(parent)].map[k] = idx
            if item.left != Item.none { deleteItem(item.left) }
        }
        if key == nil && item.isVisible {
            types[Int(parent)].length += item.length
        }
        addStruct(idx)
        // Content-specific integration.
        switch item.content {
        case .deleted(let n):
            items[Int(idx)].flags |= Item.deletedFlag
            tr.deleteSet.add(client: item.id.client, clock: item.id.clock, length: n)
        case .type(let kind, _):
            types.append(TypeRecord(kind: kind, item: idx, rootName: nil))
            items[Int(idx)].content = .type(kind, index: Int32(types.count - 1))
        case .format:
            types[Int(parent)].hasFormatting = true
        case .doc(let guid, _):
            tr.subdocsAdded.append(guid)
        default:
            break
        }
        markChanged(parent, key)
        if isTypeDeleted(parent) || (key != nil && item.right != Item.none) {
            deleteItem(idx)
        }
        return idx
    }

    /// Deletes an item (§4.4). Deleting a type deletes its whole subtree (iteratively).
    mutating func deleteItem(_ idx: Int32) {
        var work: [Int32] = [idx]
        while let i = work.popLast() {
            let it = Int(i)
            if items[it].isDeleted { continue }
            let parent = items[it].parent
            let key = items[it].parentSub
            if items[it].isCountable && key == nil && parent >= 0 {
                types[Int(parent)].length -= items[it].length
            }
            items[it].flags |= Item.deletedFlag
            tr.deleteSet.add(client: items[it].id.client, clock: items[it].id.clock, length: items[it].length)
            if parent >= 0 { markChanged(parent, key) }
            switch items[it].content {
            case .type(_, let t):
                var c = types[Int(t)].start
                while c != Item.none {
                    if !items[Int(c)].isDeleted {
                        work.append(c)
                    } else if items[Int(c)].id.clock < beforeClock(items[Int(c)].id.client) {
                        tr.mergeStructs.append(items[Int(c)].id)
                    }
                    c = items[Int(c)].right
                }
                for (_, v) in types[Int(t)].map {
                    if !items[Int(v)].isDeleted {
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
                    guard let ci = clientIndex[client], var i = findIndex(clientStructs[ci], r.clock) else { continue }
                    var idx = clientStructs[ci][i]
                    if !items[Int(idx)].isDeleted && !items[Int(idx)].isGC && items[Int(idx)].id.clock < r.clock {
                        _ = splitItem(idx, r.clock - items[Int(idx)].id.clock)
                        i += 1
                    }
                    while i < clientStructs[ci].count {
                        idx = clientStructs[ci][i]
                        let start = items[Int(idx)].id.clock
                        if start >= end { break }
                        if !items[Int(idx)].isDeleted && !items[Int(idx)].isGC {
                            if end < items[Int(idx)].endClock {
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
