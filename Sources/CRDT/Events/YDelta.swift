/// One operation of a delta: how a sequence changed (events) or what a rich text contains (`toDelta`).
public enum YDelta: Hashable, Sendable {
    /// Inserted content: a string run of text, an embed, or (arrays) one JSON-like element.
    /// `attributes` are text formatting attributes.
    case insert(YAny, attributes: YObject? = nil)
    /// Kept units; `attributes` (text) are formatting changes applied to them (null = removed).
    case retain(Int, attributes: YObject? = nil)
    /// Removed units.
    case delete(Int)
}
