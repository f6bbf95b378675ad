/// A shared XML element: a node name, attributes (a map) and children (a fragment).
public final class YXmlElement: YXmlFragment {
    /// The element's node name.
    public var nodeName: String {
        if case .xmlElement(let name)? = kind { return name }
        return ""
    }

    /// The attributes with their values.
    public var attributes: [String: YAny] {
        var out: [String: YAny] = [:]
        for (k, idx) in doc.store.mapEntries(index) { out[k] = doc.store.jsonValue(ofItem: idx, depth: 0).last }
        return out
    }

    /// The value of attribute `name`.
    public func getAttribute(_ name: String) -> YAny? {
        guard let idx = doc.store.types[Int(index)].map[name], !(doc.store.items[Int(idx)].flags & Item.deletedFlag != 0) else { return nil }
        return doc.store.jsonValue(ofItem: idx, depth: 0).last
    }

    /// Sets attribute `name`.
    public func setAttribute(_ name: String, _ value: YAny) {
        guard !doc.store.types[Int(index)].isCollected else { return }
        doc.withTransaction { _ = doc.store.mapSet(index, name, .any([value])) }
    }

    /// Removes attribute `name`.
    public func removeAttribute(_ name: String) {
        doc.withTransaction { doc.store.mapDelete(index, name) }
    }
}
