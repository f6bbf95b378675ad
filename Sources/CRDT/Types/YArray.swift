/// A shared array of JSON-like values and nested types.
public final class YArray: YType {
    /// The number of elements.
    public var count: Int { Int(doc.store.types[Int(index)].length) }

    /// The elements (nested types as handles).
    public func toArray() -> [YValue] {
        doc.store.sequenceItems(index).flatMap { doc.values(ofItem: $0) }
    }

    /// The element at `position`, or nil if out of range.
    public func get(_ position: Int) -> YValue? {
        guard position >= 0, position < count else { return nil }
        let (item, pos) = doc.store.findUnit(index, UInt64(position))
        guard item >= 0 else { return nil }
        let values = doc.values(ofItem: item)
        let k = position - Int(pos)
        return k < values.count ? values[k] : nil
    }

    /// The element at `position` as JSON, or nil.
    public subscript(position: Int) -> YAny? { self.get(position)?.json }

    /// Packs values into contents: runs of JSON-like values share one ContentAny, byte arrays get
    /// their own ContentBinary (as Yjs does).
    static func contents(_ values: [YAny]) -> [ItemContent] {
        var out: [ItemContent] = []
        var run: [YAny] = []
        for v in values {
            if case .bytes(let b) = v {
                if !run.isEmpty { out.append(.any(run)) }
                run = []
                out.append(.binary(b))
            } else {
                run.append(v)
            }
        }
        if !run.isEmpty { out.append(.any(run)) }
        return out
    }

    func insertContents(_ contents: [ItemContent], at position: Int) throws(CRDTError) -> [Int32] {
        try checkAlive()
        guard position >= 0, position <= count else { throw CRDTError.indexOutOfRange }
        return doc.withTransaction { () -> [Int32] in
            var (left, right) = doc.store.insertPosition(index, UInt64(position))
            var created: [Int32] = []
            var at = UInt64(position)
            for c in contents {
                left = doc.store.insertLocal(index, left: left, right: right, parentSub: nil, content: c)
                created.append(left)
                doc.store.updateMarkers(index, index: at, inserted: c.length)
                at += c.length
                right = doc.store.items[Int(left)].right
            }
            return created
        }
    }

    /// Inserts values at `position`.
    /// - Throws: ``CRDTError/indexOutOfRange`` if `position > count`.
    public func insert(contentsOf values: [YAny], at position: Int) throws(CRDTError) {
        guard !values.isEmpty else { return }
        _ = try insertContents(Self.contents(values), at: position)
    }

    /// Inserts one value at `position`.
    public func insert(_ value: YAny, at position: Int) throws(CRDTError) {
        try insert(contentsOf: [value], at: position)
    }

    /// Appends values at the end.
    public func append(contentsOf values: [YAny]) {
        try? insert(contentsOf: values, at: count)
    }

    /// Appends one value at the end.
    public func append(_ value: YAny) { append(contentsOf: [value]) }

    private func insertType(_ kind: TypeKind, at position: Int) throws(CRDTError) -> Int32 {
        let created = try insertContents([.type(kind, index: -1)], at: position)
        guard let idx = created.first, case .type(_, let t) = doc.store.items[Int(idx)].content else {
            throw CRDTError.invalidOperation
        }
        return t
    }

    /// Inserts a new, empty nested map at `position` and returns it.
    @discardableResult public func insertMap(at position: Int) throws(CRDTError) -> YMap {
        YMap(doc: doc, index: try insertType(.map, at: position))
    }
    /// Inserts a new, empty nested array at `position` and returns it.
    @discardableResult public func insertArray(at position: Int) throws(CRDTError) -> YArray {
        YArray(doc: doc, index: try insertType(.array, at: position))
    }
    /// Inserts a new, empty nested text at `position` and returns it.
    @discardableResult public func insertText(at position: Int) throws(CRDTError) -> YText {
        YText(doc: doc, index: try insertType(.text, at: position))
    }

    /// Deletes `length` elements from `position`.
    /// - Throws: ``CRDTError/indexOutOfRange`` if the range exceeds the array.
    public func delete(at position: Int, count length: Int = 1) throws(CRDTError) {
        guard length > 0 else { return }
        guard position >= 0, position + length <= count else { throw CRDTError.indexOutOfRange }
        doc.withTransaction { _ = doc.store.deleteRange(index, UInt64(position), UInt64(length)) }
    }

    /// The array as it was at `snapshot` (document must have gc off).
    public func toJSON(at snapshot: Snapshot) -> YAny {
        doc.withTransaction { () -> YAny in
            doc.splitForSnapshot(snapshot)
            var out: [YAny] = []
            var p = doc.store.types[Int(index)].start
            while p != Item.none {
                let it = doc.store.items[Int(p)]
                if it.isCountable || it.isDeleted, snapshot.isVisible(it) {
                    out.append(contentsOf: doc.store.jsonValue(ofItem: p, depth: 0))
                }
                p = it.right
            }
            return .array(out)
        }
    }
}
