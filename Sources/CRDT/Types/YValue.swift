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
