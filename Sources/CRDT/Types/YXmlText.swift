/// Shared XML text: a ``YText`` that can also carry attributes.
public final class YXmlText: YText {
    /// The XML serialisation: text runs wrapped in tags named after their formatting attributes.
    public override func toString() -> String { doc.store.xmlTextString(index) }

    /// Sets attribute `name`.
    public func setAttribute(_ name: String, _ value: YAny) {
        guard !doc.store.types[Int(index)].isCollected else { return }
        doc.withTransaction { _ = doc.store.mapSet(index, name, .any([value])) }
    }

    /// The value of attribute `name`.
    public func getAttribute(_ name: String) -> YAny? {
        guard let idx = doc.store.types[Int(index)].map[name], !(doc.store.items[Int(idx)].flags & Item.deletedFlag != 0) else { return nil }
        return doc.store.jsonValue(ofItem: idx, depth: 0).last
    }
}
