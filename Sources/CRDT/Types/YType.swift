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

/// A value read from a map or an array: a JSON-like value or a nested shared type.
public enum YValue: CustomStringConvertible {
    /// A JSON-like value (also binary data and embeds).
    case any(YAny)
    /// A nested map.
    case map(YMap)
    /// A nested array.
    case array(YArray)
    /// A nested text.
    case text(YText)
    /// A nested XML element.
    case xmlElement(YXmlElement)
    /// A nested XML fragment.
    case xmlFragment(YXmlFragment)
    /// A nested XML text.
    case xmlText(YXmlText)
    /// A nested XML hook (a map with a hook name).
    case xmlHook(YXmlHook)
    /// A sub-document reference.
    case doc(guid: String, options: YAny)

    /// The JSON-like value (nested types rendered with `toJSON()`).
    public var json: YAny {
        switch self {
        case .any(let v): v
        case .map(let t): t.toJSON()
        case .array(let t): t.toJSON()
        case .text(let t): t.toJSON()
        case .xmlElement(let t): t.toJSON()
        case .xmlFragment(let t): t.toJSON()
        case .xmlText(let t): t.toJSON()
        case .xmlHook(let t): t.toJSON()
        case .doc(let guid, _): .object(["$doc": .string(guid)])
        }
    }

    /// The nested map, if this is one.
    public var map: YMap? { if case .map(let m) = self { m } else { nil } }
    /// The nested array, if this is one.
    public var array: YArray? { if case .array(let a) = self { a } else { nil } }
    /// The nested text, if this is one.
    public var text: YText? { if case .text(let t) = self { t } else { nil } }
    /// The plain value, if this is one.
    public var value: YAny? { if case .any(let v) = self { v } else { nil } }

    public var description: String { json.jsonString }
}

extension YDoc {
    /// A handle of the right class for type `t`.
    func handle(for t: Int32) -> YType {
        switch store.types[Int(t)].kind {
        case .map?: return YMap(doc: self, index: t)
        case .array?: return YArray(doc: self, index: t)
        case .text?: return YText(doc: self, index: t)
        case .xmlElement?: return YXmlElement(doc: self, index: t)
        case .xmlFragment?: return YXmlFragment(doc: self, index: t)
        case .xmlText?: return YXmlText(doc: self, index: t)
        case .xmlHook?: return YXmlHook(doc: self, index: t)
        case nil: return YType(doc: self, index: t)
        }
    }

    /// The values of one item's content (nested types as handles).
    func values(ofItem idx: Int32) -> [YValue] {
        switch store.items[Int(idx)].content {
        case .type(_, let t):
            switch handle(for: t) {
            case let m as YMap: return [.map(m)]
            case let a as YArray: return [.array(a)]
            case let x as YText: return [.text(x)]
            case let x as YXmlElement: return [.xmlElement(x)]
            case let x as YXmlFragment: return [.xmlFragment(x)]
            case let x as YXmlText: return [.xmlText(x)]
            case let x as YXmlHook: return [.xmlHook(x)]
            default: return []
            }
        case .doc(let guid, let options): return [.doc(guid: guid, options: options)]
        case let c: return c.values.map { .any($0) }
        }
    }

    /// Root type `name`, giving it `kind` if it has none yet.
    func rootType(_ name: String, _ kind: TypeKind) -> Int32 {
        let t = store.root(name)
        if store.types[Int(t)].kind == nil { store.types[Int(t)].kind = kind }
        return t
    }

    /// The root map named `name` (created if needed). A root first seen in an update takes the
    /// kind it is first asked for.
    public func getMap(_ name: String) -> YMap { YMap(doc: self, index: rootType(name, .map)) }
    /// The root array named `name`.
    public func getArray(_ name: String) -> YArray { YArray(doc: self, index: rootType(name, .array)) }
    /// The root text named `name`.
    public func getText(_ name: String) -> YText { YText(doc: self, index: rootType(name, .text)) }
    /// The root XML fragment named `name`.
    public func getXmlFragment(_ name: String) -> YXmlFragment {
        YXmlFragment(doc: self, index: rootType(name, .xmlFragment))
    }

    /// The names of the root types known to the document.
    public var rootNames: [String] { store.roots.keys.sorted() }

    /// Every root as JSON (roots of unknown kind are guessed: keys → object, text → string, else array).
    public func toJSON() -> YAny {
        var o = YObject()
        for name in store.roots.keys.sorted() {
            let t = store.roots[name]!
            o[name] = store.json(of: t, depth: 0)
        }
        return .object(o)
    }
}
