/// Ripple delete: removes a clip (or an empty range of a track) and moves every clip of that
/// track that starts at or after its end left by its length.
public struct RippleDelete: Sendable, Hashable {
    /// What to delete.
    public enum Target: Sendable, Hashable {
        /// A clip.
        case clip(String)
        /// An empty range `[start, start + duration)` on a track.
        case range(track: String, start: Flicks, duration: Flicks)
    }

    /// What to delete.
    public var target: Target

    /// Creates the operation.
    public init(_ target: Target) { self.target = target }
}
