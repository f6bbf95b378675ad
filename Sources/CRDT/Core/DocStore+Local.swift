/// Local edits: position lookup with search markers, inserts, deletes and map writes.
extension DocStore {
    static let maxMarkers = 16

    /// The visible item containing unit `u` (u < length) and the index of its first unit.
    mutating func findUnit(_ t: Int32, _ u: UInt64) -> (item: Int32, pos: UInt64) {
        var p = types[Int(t)].start
        var pos: UInt64 = 0
        var best = -1
        var bestDist = UInt64.max
        for (k, m) in types[Int(t)].markers.enumerated() {
            let d = m.index > u ? m.index - u : u - m.index
            if d < bestDist {
                bestDist = d
                best = k
            }
        }
        if best >= 0, bestDist < u {
            let m = types[Int(t)].markers[best]
            if items[Int(m.item)].parent == t && (items[Int(m.item)].flags & Item.gcFlag == 0) {
                p = m.item
                pos = m.index
            } else {
                // Defensive: a marker must point into this type's list.
                types[Int(t)].markers.removeAll()
                best = -1
            }
        }
        var guardSteps = 0
        while p != Item.none {
            let visible = (items[Int(p)].flags & (Item.deletedFlag | Item.countableFlag) == Item.countableFlag)
            let len = items[Int(p)].length
            if pos > u {
                let l = items[Int(p)].left
                if l == Item.none { break }
                p = l
                if (items[Int(p)].flags & (Item.deletedFlag | Item.countableFlag) == Item.countableFlag) { pos -= items[Int(p)].length }
                continue
            }
            if visible {
                if u < pos + len {
                    recordMarker(t, p, pos, replacing: best)
                    return (p, pos)
                }
                pos += len
            }
            p = items[Int(p)].right
            guardSteps += 1
        }
        // Inconsistent marker (should not happen): drop markers and scan from the start.
        types[Int(t)].markers.removeAll()
        p = types[Int(t)].start
        pos = 0
        while p != Item.none {
            if (items[Int(p)].flags & (Item.deletedFlag | Item.countableFlag) == Item.countableFlag) {
                if u < pos + items[Int(p)].length { return (p, pos) }
                pos += items[Int(p)].length
            }
            p = items[Int(p)].right
        }
        return (Item.none, 0)
    }

    mutating func recordMarker(_ t: Int32, _ item: Int32, _ pos: UInt64, replacing k: Int) {
        let count = types[Int(t)].markers.count
        if k >= 0 {
            let m = types[Int(t)].markers[k]
            let d = m.index > pos ? m.index - pos : pos - m.index
            if d < 64 || count >= Self.maxMarkers {
                types[Int(t)].markers[k] = SearchMarker(item: item, index: pos, useCount: m.useCount &+ 1)
                return
            }
        }
        if count < Self.maxMarkers {
            types[Int(t)].markers.append(SearchMarker(item: item, index: pos, useCount: 0))
        }
    }

    /// Adjusts markers after a local change of `delta` units at `index`.
    mutating func updateMarkers(_ t: Int32, index: UInt64, inserted: UInt64) {
        guard !types[Int(t)].markers.isEmpty else { return }
        var k = types[Int(t)].markers.count - 1
        while k >= 0 {
            let m = types[Int(t)].markers[k]
            if !(items[Int(m.item)].flags & (Item.deletedFlag | Item.countableFlag) == Item.countableFlag) || items[Int(m.item)].parent != t {
                types[Int(t)].markers.remove(at: k)
            } else if index <= m.index {
                types[Int(t)].markers[k].index = m.index + inserted
            }
            k -= 1
        }
    }

    mutating func updateMarkers(_ t: Int32, index: UInt64, deleted: UInt64) {
        guard !types[Int(t)].markers.isEmpty else { return }
        for k in types[Int(t)].markers.indices {
            let m = types[Int(t)].markers[k]
            if index < m.index {
                types[Int(t)].markers[k].index = max(index, m.index >= deleted ? m.index - deleted : 0)
            }
        }
    }

    /// The neighbours for an insert at `index` with array semantics: `left` ends exactly at unit
    /// `index − 1` (split if needed), `right` is its right neighbour.
    mutating func insertPosition(_ t: Int32, _ index: UInt64) -> (left: Int32, right: Int32) {
        if index == 0 { return (Item.none, types[Int(t)].start) }
        let (p, pos) = findUnit(t, index - 1)
        guard p != Item.none else { return (Item.none, types[Int(t)].start) }
        if index - pos < items[Int(p)].length {
            _ = splitItem(p, index - pos)
        }
        return (p, items[Int(p)].right)
    }

    /// Creates a local item between `left` and `right` and integrates it. Extends `left` in place
    /// when the result is what merging after the transaction would produce (typing fast path).
    @discardableResult
    mutating func insertLocal(_ t: Int32, left: Int32, right: Int32, parentSub: String?, content: ItemContent) -> Int32 {
        let client = localClient
        let clock = state(client)
        let length = content.length
        let rightOrigin: ID? = right >= 0 ? items[Int(right)].id : nil
        if left >= 0, parentSub == nil, items[Int(left)].right == right, items[Int(left)].id.client == client,
            (items[Int(left)].id.clock &+ items[Int(left)].length) == clock, items[Int(left)].flags == Item.countableFlag,
            items[Int(left)].rightOrigin == rightOrigin
        {
            var extended = true
            switch (items[Int(left)].content, content) {
            case (.string, .string(let units)):
                noteBeforeState(client)
                items[Int(left)].content.appendUnits(units)
            case (.any, .any):
                noteBeforeState(client)
                _ = items[Int(left)].content.append(content)
            default:
                extended = false
            }
            if extended {
                items[Int(left)].length += length
                types[Int(t)].length += length
                markChanged(t, nil)
                return left
            }
        }
        let origin: ID? = left >= 0 ? ID(client: items[Int(left)].id.client, clock: items[Int(left)].id.clock &+ items[Int(left)].length &- 1) : nil
        var item = Item(
            id: ID(client: client, clock: clock), length: length, origin: origin, rightOrigin: rightOrigin, parent: t,
            parentSub: parentSub, content: content)
        item.left = left
        item.right = right
        return integrateItem(item)
    }

    /// Inserts `content` at `index` of sequence `t` (array semantics).
    @discardableResult
    mutating func insertAt(_ t: Int32, _ index: UInt64, _ content: ItemContent) -> Int32 {
        let (left, right) = insertPosition(t, index)
        let idx = insertLocal(t, left: left, right: right, parentSub: nil, content: content)
        if content.isCountable { updateMarkers(t, index: index, inserted: content.length) }
        return idx
    }

    /// Deletes `length` visible units from `index` of sequence `t`. Returns the units not found.
    @discardableResult
    mutating func deleteRange(_ t: Int32, _ index: UInt64, _ length: UInt64) -> UInt64 {
        guard length > 0, index < types[Int(t)].length else { return length }
        var (n, pos) = findUnit(t, index)
        if n == Item.none { return length }
        if index > pos {
            n = splitItem(n, index - pos)
        }
        var remaining = length
        while remaining > 0 && n != Item.none {
            if (items[Int(n)].flags & (Item.deletedFlag | Item.countableFlag) == Item.countableFlag) {
                if remaining < items[Int(n)].length {
                    _ = splitItem(n, remaining)
                }
                remaining -= items[Int(n)].length
                deleteItem(n)
            }
            n = items[Int(n)].right
        }
        updateMarkers(t, index: index, deleted: length - remaining)
        return remaining
    }

    /// Sets map key `key` of type `t` to `content` (last writer wins, §4.3).
    @discardableResult
    mutating func mapSet(_ t: Int32, _ key: String, _ content: ItemContent) -> Int32 {
        let left = types[Int(t)].map[key] ?? Item.none
        return insertLocal(t, left: left, right: Item.none, parentSub: key, content: content)
    }

    /// Deletes map key `key` of type `t`.
    mutating func mapDelete(_ t: Int32, _ key: String) {
        if let idx = types[Int(t)].map[key] { deleteItem(idx) }
    }
}
