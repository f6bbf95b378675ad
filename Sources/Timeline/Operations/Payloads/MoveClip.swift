/// Moves a clip to another time and/or track (at least one must be given).
public struct MoveClip: Sendable, Hashable {
    /// The clip.
    public var clip: String
    /// The destination track.
    public var track: String?
    /// The new start.
    public var start: Flicks?

    /// Creates the operation.
    public init(clip: String, track: String? = nil, start: Flicks? = nil) {
        self.clip = clip
        self.track = track
        self.start = start
    }
}
