/// Splits a clip at a time strictly inside it; the right part becomes a new clip.
public struct SplitClip: Sendable, Hashable {
    /// The clip (it keeps the left part and its transition).
    public var clip: String
    /// The cut.
    public var at: Flicks
    /// The id of the new right-hand clip (the server makes one if nil).
    public var newID: String?

    /// Creates the operation.
    public init(clip: String, at: Flicks, newID: String? = nil) {
        self.clip = clip
        self.at = at
        self.newID = newID
    }
}
