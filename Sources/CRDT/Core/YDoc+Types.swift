/// Root types by name and handles for nested types.
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
