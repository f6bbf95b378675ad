/// Base class of the shared-type handles (``YMap``, ``YArray``, ``YText``, the XML types).
///
/// A handle is a lightweight view of a type stored in a ``YDoc``; several handles may refer to
/// the same type. Handles are not `Sendable`: use them where the document is used.
public class YType: CustomStringConvertible {
    /// The document the type lives in.
    public let doc: YDoc
    let index: Int32

    init(doc: YDoc, index: Int32) {
        self.doc = doc
        self.index = index
    }

    /// The kind of this type (nil only for a root nobody asked for yet).
    public var kind: TypeKind? { doc.store.types[Int(index)].kind }

    /// True if the type was deleted (it or an ancestor was removed from its parent).
    public var isDeleted: Bool {
        var t = index
        while true {
            if doc.store.isTypeDeleted(t) { return true }
            let item = doc.store.types[Int(t)].item
            if item < 0 { return false }
            t = doc.store.items[Int(item)].parent
            if t < 0 { return true }
        }
    }

    /// The root name if this is a root type.
    public var rootName: String? { doc.store.types[Int(index)].rootName }

    /// The ID of the item holding this nested type (nil for roots).
    public var itemID: ID? {
        let item = doc.store.types[Int(index)].item
        return item >= 0 ? doc.store.items[Int(item)].id : nil
    }

    /// The parent type, or nil for roots.
    public var parent: YType? {
        let item = doc.store.types[Int(index)].item
        guard item >= 0 else { return nil }
        let p = doc.store.items[Int(item)].parent
        return p >= 0 ? doc.handle(for: p) : nil
    }

    /// The content as JSON-like values: maps become objects, arrays arrays, texts strings,
    /// XML types their `toString()`; binary values are `.bytes`, sub-documents `{"$doc": guid}`.
    public func toJSON() -> YAny { doc.store.json(of: index, depth: 0) }

    public var description: String { toJSON().jsonString }

    /// Calls `callback` after every transaction that changed this type, with the change.
    @discardableResult
    public func observe(_ callback: @escaping (YEvent) -> Void) -> ObserverToken {
        doc.addTypeObserver(index, deep: false, callback)
    }

    /// Calls `callback` after every transaction that changed this type or any type nested in it,
    /// with one event per changed type (paths relative to this type).
    @discardableResult
    public func observeDeep(_ callback: @escaping ([YEvent]) -> Void) -> ObserverToken {
        doc.addTypeObserver(index, deep: true, callback)
    }

    /// Throws if the type was collected (its content is gone and it can no longer be edited).
    func checkAlive() throws(CRDTError) {
        if doc.store.types[Int(index)].isCollected { throw CRDTError.invalidOperation.with(detail: "type was deleted") }
    }
}
