/// End-of-transaction work (§4.7): garbage collection of deleted content and merging of
/// neighbouring structs.
extension DocStore {
    /// GC and merge after a transaction. `tr.deleteSet` must be sorted and merged.
    mutating func cleanupTransaction() {
        tr.collectSet.sortAndMerge()
        let ds = tr.collectSet
        if gcEnabled { gcDeleteSet(ds) }
        mergeDeleteSet(ds)
        // Merge what was appended in this transaction.
        for (client, before) in tr.beforeState {
            guard let ci = slot(client) else { continue }
            let count = clientStructs[ci].count
            guard count > 1, state(client) != before else { continue }
            let first = max(findIndex(ci, before) ?? (count - 1), 1)
            var i = clientStructs[ci].count - 1
            while i >= first {
                i -= 1 + tryMergeWithLefts(ci, i)
            }
        }
        // Merge around split / replaced structs.
        var k = tr.mergeStructs.count - 1
        while k >= 0 {
            let id = tr.mergeStructs[k]
            k -= 1
            guard let ci = slot(id.client), let pos = findIndex(ci, id.clock) else { continue }
            if pos + 1 < clientStructs[ci].count {
                if tryMergeWithLefts(ci, pos + 1) > 1 { continue }
            }
            if pos > 0 { _ = tryMergeWithLefts(ci, pos) }
        }
    }

    /// Replaces deleted, un-kept items' content by Deleted markers; children of deleted types become GC.
    mutating func gcDeleteSet(_ ds: DeleteSet) {
        for (client, ranges) in ds.clients {
            guard let ci = slot(client) else { continue }
            for r in ranges.reversed() {
                guard var si = findIndex(ci, r.clock) else { continue }
                while si < clientStructs[ci].count {
                    let idx = clientStructs[ci][si]
                    if items[Int(idx)].id.clock >= r.end { break }
                    if (items[Int(idx)].flags & Item.deletedFlag != 0) && !(items[Int(idx)].flags & Item.gcFlag != 0) && !(items[Int(idx)].flags & Item.keepFlag != 0)
                        && items[Int(idx)].content.ref != 1
                    {
                        gcItem(idx, parentCollected: false)
                    }
                    si += 1
                }
            }
        }
    }

    /// Collects one deleted item (iteratively for nested types).
    mutating func gcItem(_ idx: Int32, parentCollected: Bool) {
        var work: [(Int32, Bool)] = [(idx, parentCollected)]
        while let (i, collected) = work.popLast() {
            let it = Int(i)
            if (items[it].flags & Item.gcFlag != 0) { continue }
            if case .type(_, let t) = items[it].content {
                var c = types[Int(t)].start
                while c != Item.none {
                    work.append((c, true))
                    c = items[Int(c)].right
                }
                for (_, v) in types[Int(t)].map {
                    var c = v
                    while c != Item.none {
                        work.append((c, true))
                        c = items[Int(c)].left
                    }
                }
                types[Int(t)].start = Item.none
                types[Int(t)].map = [:]
                types[Int(t)].markers = []
                types[Int(t)].isCollected = true
                types[Int(t)].item = Item.none
                types[Int(t)].length = 0
            }
            if collected {
                let id = items[it].id
                items[it] = .gc(id: id, length: items[it].length)
                tr.mergeStructs.append(id)
            } else {
                items[it].content = .deleted(items[it].length)
                items[it].flags &= ~Item.countableFlag
            }
        }
    }

    /// Tries to merge the structs of the delete set with their neighbours (right to left).
    mutating func mergeDeleteSet(_ ds: DeleteSet) {
        for (client, ranges) in ds.clients {
            guard let ci = slot(client) else { continue }
            for r in ranges.reversed() {
                let count = clientStructs[ci].count
                guard count > 0 else { continue }
                let lastIdx = findIndex(ci, r.end - 1) ?? (count - 1)
                var si = min(count - 1, 1 + lastIdx)
                while si > 0 && items[Int(clientStructs[ci][si])].id.clock >= r.clock {
                    si -= 1 + tryMergeWithLefts(ci, si)
                }
            }
        }
    }

    /// Merges struct `pos` of client slot `ci` into its left neighbours while possible.
    /// Returns how many structs were merged away.
    mutating func tryMergeWithLefts(_ ci: Int, _ pos: Int) -> Int {
        var i = pos
        while i > 0 {
            let (l, r) = clientStructs[ci].pair(endingAt: i)
            if !mergeStructs(l, r) { break }
            i -= 1
        }
        let merged = pos - i
        if merged > 0 {
            clientStructs[ci].removeSubrange((pos + 1 - merged)...pos)
        }
        return merged
    }

    /// Merges struct `r` into its left neighbour `l` if Yjs' rules allow; frees `r`'s slot.
    mutating func mergeStructs(_ l: Int32, _ r: Int32) -> Bool {
        let li = Int(l)
        let ri = Int(r)
        let lflags = items[li].flags
        let rflags = items[ri].flags
        if lflags & (Item.deletedFlag | Item.gcFlag) != rflags & (Item.deletedFlag | Item.gcFlag) { return false }
        if lflags & Item.gcFlag != 0 {
            items[li].length += items[ri].length
            items[li].content = .deleted(items[li].length)
            free(r)
            return true
        }
        guard items[ri].origin == ID(client: items[li].id.client, clock: items[li].id.clock &+ items[li].length &- 1),
            items[li].right == r,
            items[li].rightOrigin == items[ri].rightOrigin,
            items[li].id.client == items[ri].id.client,
            (items[li].id.clock &+ items[li].length) == items[ri].id.clock,
            items[li].content.ref == items[ri].content.ref,
            items[li].content.isMergeable
        else { return false }
        let parent = items[li].parent
        if parent >= 0 && !types[Int(parent)].markers.isEmpty {
            let visible = (items[li].flags & (Item.deletedFlag | Item.countableFlag) == Item.countableFlag)
            let llen = items[li].length
            for m in types[Int(parent)].markers.indices where types[Int(parent)].markers[m].item == r {
                types[Int(parent)].markers[m].item = l
                if visible { types[Int(parent)].markers[m].index -= llen }
            }
        }
        if rflags & Item.keepFlag != 0 { items[li].flags |= Item.keepFlag }
        let rcontent = items[ri].content
        items[ri].content = .deleted(0)
        _ = items[li].content.append(rcontent)
        let rr = items[ri].right
        items[li].right = rr
        if rr != Item.none { items[Int(rr)].left = l }
        items[li].length += items[ri].length
        if let key = items[ri].parentSub, parent >= 0, types[Int(parent)].map[key] == r {
            types[Int(parent)].map[key] = l
        }
        free(r)
        return true
    }
}
