/// A shared XML fragment: an ordered list of XML elements and XML texts.
///
/// The XML types are decoded and re-encoded faithfully; their editing API is small.
public class YXmlFragment: YType {
    /// The number of children.
    public var count: Int { Int(doc.store.types[Int(index)].length) }

    /// The children (elements, texts, hooks).
    public var children: [YValue] { doc.store.sequenceItems(index).flatMap { doc.values(ofItem: $0) } }

    /// The XML serialisation (Yjs `toString`): elements as `<name k="v">…</name>` with sorted
    /// attributes and lowercased names, texts with their formatting as nested tags.
    public func toString() -> String { doc.store.xmlString(index, depth: 0) }

    public override var description: String { toString() }

    private func insertType(_ kind: TypeKind, at position: Int) throws(CRDTError) -> Int32 {
        try checkAlive()
        guard position >= 0, position <= count else { throw CRDTError.indexOutOfRange }
        return doc.withTransaction { () -> Int32 in
            let idx = doc.store.insertAt(index, UInt64(position), .type(kind, index: -1))
            guard case .type(_, let t) = doc.store.items[Int(idx)].content else { return -1 }
            return t
        }
    }

    /// Inserts a new element named `name` at `position`.
    @discardableResult
    public func insertElement(_ name: String, at position: Int) throws(CRDTError) -> YXmlElement {
        YXmlElement(doc: doc, index: try insertType(.xmlElement(name: name), at: position))
    }

    /// Inserts a new, empty XML text at `position`.
    @discardableResult
    public func insertText(at position: Int) throws(CRDTError) -> YXmlText {
        YXmlText(doc: doc, index: try insertType(.xmlText, at: position))
    }

    /// Deletes `length` children from `position`.
    public func delete(at position: Int, count length: Int = 1) throws(CRDTError) {
        guard length > 0 else { return }
        guard position >= 0, position + length <= count else { throw CRDTError.indexOutOfRange }
        doc.withTransaction { _ = doc.store.deleteRange(index, UInt64(position), UInt64(length)) }
    }
}
