/// A shared map: string keys to JSON-like values or nested types, last writer wins per key.
public final class YMap: YType {
    /// The number of keys with a value.
    public var count: Int { doc.store.mapEntries(index).count }
    /// The keys with a value, sorted.
    public var keys: [String] { doc.store.mapEntries(index).map(\.key) }
    /// True if `key` has a value.
    public func has(_ key: String) -> Bool {
        guard let item = doc.store.types[Int(index)].map[key] else { return false }
        return !(doc.store.items[Int(item)].flags & Item.deletedFlag != 0)
    }

    /// The value of `key` (nested types as handles), or nil.
    public func get(_ key: String) -> YValue? {
        guard let item = doc.store.types[Int(index)].map[key], !(doc.store.items[Int(item)].flags & Item.deletedFlag != 0) else { return nil }
        return doc.values(ofItem: item).last
    }

    /// The JSON value of `key` (nested types rendered), or nil.
    public subscript(key: String) -> YAny? { self.get(key)?.json }

    /// Every key with its value.
    public var entries: [(key: String, value: YValue)] {
        doc.store.mapEntries(index).compactMap { e in doc.values(ofItem: e.item).last.map { (e.key, $0) } }
    }

    /// Sets `key` to a JSON-like value. A top-level `.bytes` value is stored as binary content, as Yjs does.
    public func set(_ key: String, _ value: YAny) {
        guard !doc.store.types[Int(index)].isCollected else { return }
        let content: ItemContent
        if case .bytes(let b) = value { content = .binary(b) } else { content = .any([value]) }
        doc.withTransaction { _ = doc.store.mapSet(index, key, content) }
    }

    private func setType(_ key: String, _ kind: TypeKind) -> Int32 {
        doc.withTransaction { () -> Int32 in
            let idx = doc.store.mapSet(index, key, .type(kind, index: -1))
            guard case .type(_, let t) = doc.store.items[Int(idx)].content else { return -1 }
            return t
        }
    }

    /// Sets `key` to a new, empty nested map and returns it.
    @discardableResult public func setMap(_ key: String) -> YMap { YMap(doc: doc, index: setType(key, .map)) }
    /// Sets `key` to a new, empty nested array and returns it.
    @discardableResult public func setArray(_ key: String) -> YArray { YArray(doc: doc, index: setType(key, .array)) }
    /// Sets `key` to a new, empty nested text and returns it.
    @discardableResult public func setText(_ key: String) -> YText { YText(doc: doc, index: setType(key, .text)) }
    /// Sets `key` to a new, empty XML element and returns it.
    @discardableResult public func setXmlElement(_ key: String, name: String) -> YXmlElement {
        YXmlElement(doc: doc, index: setType(key, .xmlElement(name: name)))
    }
    /// Sets `key` to a new sub-document reference.
    public func setDoc(_ key: String, guid: String, options: YAny = .object(YObject())) {
        guard !doc.store.types[Int(index)].isCollected else { return }
        doc.withTransaction { _ = doc.store.mapSet(index, key, .doc(guid: guid, options: options)) }
    }

    /// Removes `key`.
    public func delete(_ key: String) {
        doc.withTransaction { doc.store.mapDelete(index, key) }
    }

    /// Removes every key.
    public func removeAll() {
        doc.withTransaction {
            for k in doc.store.types[Int(index)].map.keys { doc.store.mapDelete(index, k) }
        }
    }

    /// The map as it was at `snapshot` (document must have gc off).
    public func toJSON(at snapshot: Snapshot) -> YAny {
        doc.withTransaction { () -> YAny in
            doc.splitForSnapshot(snapshot)
            var o = YObject()
            for (k, last) in doc.store.types[Int(index)].map.sorted(by: { $0.key < $1.key }) {
                var v = last
                while v >= 0, !(snapshot.stateVector[doc.store.items[Int(v)].id.client] > doc.store.items[Int(v)].id.clock) {
                    v = doc.store.items[Int(v)].left
                }
                if v >= 0, snapshot.isVisible(doc.store.items[Int(v)]) {
                    o[k] = doc.store.jsonValue(ofItem: v, depth: 0).last ?? .undefined
                }
            }
            return .object(o)
        }
    }
}
