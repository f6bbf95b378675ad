/// Rich-text editing (Yjs `insertText`, `formatText`, `deleteText`): text positions that track
/// the formatting attributes in effect, and Format items placed around inserted/formatted text.
extension DocStore {
    struct TextPosition {
        var left: Int32
        var right: Int32
        var index: UInt64
        var attributes: YObject
    }

    static func formatValue(_ json: String) -> YAny {
        (try? YAny(jsonString: json)) ?? .null
    }

    /// Equality of attribute values where undefined counts as null.
    static func sameAttribute(_ a: YAny?, _ b: YAny?) -> Bool {
        let x = a ?? .null
        let y = b ?? .null
        if x.isNullish && y.isNullish { return true }
        return x == y
    }

    /// Walks from the start of text `t` to `index`, splitting the item there and collecting attributes.
    mutating func textPosition(_ t: Int32, _ index: UInt64) -> TextPosition {
        var pos = TextPosition(left: Item.none, right: types[Int(t)].start, index: 0, attributes: YObject())
        var count = index
        while pos.right != Item.none && count > 0 {
            let r = pos.right
            if !(items[Int(r)].flags & Item.deletedFlag != 0) {
                if case .format(let key, let value) = items[Int(r)].content {
                    Self.apply(format: key, value, to: &pos.attributes)
                } else {
                    if count < items[Int(r)].length { _ = splitItem(r, count) }
                    pos.index += items[Int(r)].length
                    count -= items[Int(r)].length
                }
            }
            pos.left = r
            pos.right = items[Int(r)].right
        }
        return pos
    }

    static func apply(format key: String, _ value: String, to attributes: inout YObject) {
        let v = formatValue(value)
        if v.isNullish { attributes[key] = nil } else { attributes[key] = v }
    }

    mutating func forward(_ pos: inout TextPosition) {
        let r = pos.right
        guard r != Item.none else { return }
        if !(items[Int(r)].flags & Item.deletedFlag != 0) {
            if case .format(let key, let value) = items[Int(r)].content {
                Self.apply(format: key, value, to: &pos.attributes)
            } else {
                pos.index += items[Int(r)].length
            }
        }
        pos.left = r
        pos.right = items[Int(r)].right
    }

    mutating func minimizeAttributeChanges(_ pos: inout TextPosition, _ attributes: YObject) {
        while pos.right != Item.none {
            let r = items[Int(pos.right)]
            if r.isDeleted {
                forward(&pos)
                continue
            }
            if case .format(let key, let value) = r.content, Self.sameAttribute(attributes[key], Self.formatValue(value)) {
                forward(&pos)
                continue
            }
            break
        }
    }

    mutating func insertFormat(_ t: Int32, _ pos: inout TextPosition, key: String, value: YAny) {
        let idx = insertLocal(t, left: pos.left, right: pos.right, parentSub: nil, content: .format(key: key, value: value.jsonString))
        pos.right = idx
        forward(&pos)
    }

    /// Inserts Format items for attributes that differ from the current ones; returns the values to restore.
    mutating func insertAttributes(_ t: Int32, _ pos: inout TextPosition, _ attributes: YObject) -> YObject {
        var negated = YObject()
        for (key, value) in attributes {
            let current = pos.attributes[key] ?? .null
            if !Self.sameAttribute(current, value) {
                negated[key] = current
                insertFormat(t, &pos, key: key, value: value)
            }
        }
        return negated
    }

    mutating func insertNegatedAttributes(_ t: Int32, _ pos: inout TextPosition, _ negated: YObject) {
        var negated = negated
        while pos.right != Item.none {
            let r = items[Int(pos.right)]
            if r.isDeleted {
                forward(&pos)
                continue
            }
            if case .format(let key, let value) = r.content, let n = negated[key], Self.sameAttribute(n, Self.formatValue(value)) {
                negated[key] = nil
                forward(&pos)
                continue
            }
            break
        }
        for (key, value) in negated {
            insertFormat(t, &pos, key: key, value: value)
        }
    }

    /// Inserts text or an embed at `pos` with exactly `attributes` in effect.
    mutating func insertText(_ t: Int32, _ pos: inout TextPosition, _ content: ItemContent, attributes: YObject) {
        var attributes = attributes
        for key in pos.attributes.keys where attributes[key] == nil { attributes[key] = .null }
        minimizeAttributeChanges(&pos, attributes)
        let negated = insertAttributes(t, &pos, attributes)
        let idx = insertLocal(t, left: pos.left, right: pos.right, parentSub: nil, content: content)
        pos.left = idx
        pos.right = items[Int(idx)].right
        pos.index += content.length
        insertNegatedAttributes(t, &pos, negated)
        types[Int(t)].markers.removeAll()
    }

    /// Applies `attributes` to `length` units from `pos`.
    mutating func formatText(_ t: Int32, _ pos: inout TextPosition, length: UInt64, attributes: YObject) {
        var length = length
        minimizeAttributeChanges(&pos, attributes)
        var negated = insertAttributes(t, &pos, attributes)
        loop: while pos.right != Item.none
            && (length > 0
                || (!negated.isEmpty
                    && ((items[Int(pos.right)].flags & Item.deletedFlag != 0) || items[Int(pos.right)].content.ref == 6)))
        {
            let r = pos.right
            if !(items[Int(r)].flags & Item.deletedFlag != 0) {
                if case .format(let key, let value) = items[Int(r)].content {
                    if let attr = attributes[key] {
                        let v = Self.formatValue(value)
                        if Self.sameAttribute(attr, v) {
                            negated[key] = nil
                        } else {
                            if length == 0 { break loop }
                            negated[key] = v
                        }
                        deleteItem(r)
                    } else {
                        Self.apply(format: key, value, to: &pos.attributes)
                    }
                } else {
                    if length < items[Int(r)].length { _ = splitItem(r, length) }
                    length -= min(length, items[Int(r)].length)
                }
            }
            forward(&pos)
        }
        insertNegatedAttributes(t, &pos, negated)
        types[Int(t)].markers.removeAll()
    }

    /// Deletes `length` units of content from `pos` (Format items are kept).
    mutating func deleteText(_ t: Int32, _ pos: inout TextPosition, length: UInt64) {
        var length = length
        while length > 0 && pos.right != Item.none {
            let r = pos.right
            if !(items[Int(r)].flags & Item.deletedFlag != 0) {
                switch items[Int(r)].content {
                case .string, .embed, .type:
                    if length < items[Int(r)].length { _ = splitItem(r, length) }
                    length -= items[Int(r)].length
                    deleteItem(r)
                default:
                    break
                }
            }
            forward(&pos)
        }
        types[Int(t)].markers.removeAll()
    }
}
