/// Shared rich text. Indices and lengths are in UTF-16 code units, as in Yjs.
public class YText: YType {
    /// The length in UTF-16 code units (embeds count 1).
    public var length: Int { Int(doc.store.types[Int(index)].length) }

    /// The plain text (embeds and formatting left out).
    public func toString() -> String { doc.store.plainText(index) }

    public override var description: String { toString() }

    /// The rich-text delta: string runs with their attributes, and embeds.
    public func toDelta() -> [YDelta] { doc.store.delta(of: index, snapshot: nil) }

    /// The delta as it was at `snapshot` (document must have gc off).
    public func toDelta(at snapshot: Snapshot) -> [YDelta] {
        doc.withTransaction { () -> [YDelta] in
            doc.splitForSnapshot(snapshot)
            return doc.store.delta(of: index, snapshot: snapshot)
        }
    }

    /// The plain text as it was at `snapshot` (document must have gc off).
    public func toString(at snapshot: Snapshot) -> String {
        toDelta(at: snapshot).map { op -> String in
            if case .insert(.string(let s), _) = op { return s }
            return ""
        }.joined()
    }

    /// Inserts `text` at `position`. Without `attributes` the text takes the formatting around it;
    /// with `attributes` exactly those attributes apply to it (Format items are added around it).
    /// - Throws: ``CRDTError/indexOutOfRange`` if `position > length`.
    public func insert(_ text: String, at position: Int, attributes: YObject? = nil) throws(CRDTError) {
        try checkAlive()
        guard position >= 0, position <= length else { throw CRDTError.indexOutOfRange }
        let units = Array(text.utf16)
        guard !units.isEmpty else { return }
        doc.withTransaction {
            if let attributes {
                var pos = doc.store.textPosition(index, UInt64(position))
                doc.store.insertText(index, &pos, .string(units), attributes: attributes)
            } else {
                var (left, right) = doc.store.insertPosition(index, UInt64(position))
                // Skip deleted items, as Yjs does, so typing after a deletion continues its chain.
                while right != Item.none && (doc.store.items[Int(right)].flags & Item.deletedFlag != 0) {
                    left = right
                    right = doc.store.items[Int(right)].right
                }
                doc.store.insertLocal(index, left: left, right: right, parentSub: nil, content: .string(units))
                doc.store.updateMarkers(index, index: UInt64(position), inserted: UInt64(units.count))
            }
        }
    }

    /// Inserts an embed (a JSON-like value, e.g. `["image": "a.png"]`) at `position`.
    public func insertEmbed(_ value: YAny, at position: Int, attributes: YObject? = nil) throws(CRDTError) {
        try checkAlive()
        guard position >= 0, position <= length else { throw CRDTError.indexOutOfRange }
        doc.withTransaction {
            var pos = doc.store.textPosition(index, UInt64(position))
            let attrs = attributes ?? pos.attributes
            doc.store.insertText(index, &pos, .embed(value.jsonString), attributes: attrs)
        }
    }

    /// Deletes `length` units from `position`.
    /// - Throws: ``CRDTError/indexOutOfRange`` if the range exceeds the text.
    public func delete(at position: Int, count: Int) throws(CRDTError) {
        guard count > 0 else { return }
        guard position >= 0, position + count <= length else { throw CRDTError.indexOutOfRange }
        doc.withTransaction { _ = doc.store.deleteRange(index, UInt64(position), UInt64(count)) }
    }

    /// Applies formatting attributes to a range (a null value removes an attribute).
    public func format(at position: Int, count: Int, attributes: YObject) throws(CRDTError) {
        try checkAlive()
        guard count > 0 else { return }
        guard position >= 0, position + count <= length else { throw CRDTError.indexOutOfRange }
        doc.withTransaction {
            var pos = doc.store.textPosition(index, UInt64(position))
            doc.store.formatText(index, &pos, length: UInt64(count), attributes: attributes)
        }
    }

    /// Applies a delta (Quill-style): `retain` moves on (formatting with its attributes),
    /// `insert` adds text or an embed, `delete` removes units.
    public func applyDelta(_ delta: [YDelta]) throws(CRDTError) {
        try checkAlive()
        doc.withTransaction {
            var pos = DocStore.TextPosition(left: Item.none, right: doc.store.types[Int(index)].start, index: 0, attributes: YObject())
            for op in delta {
                switch op {
                case .insert(let value, let attributes):
                    let content: ItemContent
                    if case .string(let s) = value {
                        let units = Array(s.utf16)
                        if units.isEmpty { continue }
                        content = .string(units)
                    } else {
                        content = .embed(value.jsonString)
                    }
                    doc.store.insertText(index, &pos, content, attributes: attributes ?? YObject())
                case .retain(let n, let attributes):
                    guard n > 0 else { continue }
                    doc.store.formatText(index, &pos, length: UInt64(n), attributes: attributes ?? YObject())
                case .delete(let n):
                    guard n > 0 else { continue }
                    doc.store.deleteText(index, &pos, length: UInt64(n))
                }
            }
        }
    }
}
