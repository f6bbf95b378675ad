/// A shared XML hook: a map of values with a hook name (rendered by application code).
public final class YXmlHook: YType {
    /// The hook name.
    public var hookName: String {
        if case .xmlHook(let name)? = kind { return name }
        return ""
    }

    /// The hook's entries.
    public var values: [String: YAny] {
        var out: [String: YAny] = [:]
        for (k, idx) in doc.store.mapEntries(index) { out[k] = doc.store.jsonValue(ofItem: idx, depth: 0).last }
        return out
    }
}
