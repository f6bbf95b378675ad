/// Removes a clip, leaving a gap.
public struct RemoveClip: Sendable, Hashable {
    /// The clip.
    public var clip: String

    /// Creates the operation.
    public init(clip: String) { self.clip = clip }
}
