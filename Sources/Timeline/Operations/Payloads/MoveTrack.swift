/// Reorders a track: just above `after`, just below `before`, or on top if neither is given.
public struct MoveTrack: Sendable, Hashable {
    /// The track.
    public var track: String
    /// Place it just above this track.
    public var after: String?
    /// Place it just below this track.
    public var before: String?

    /// Creates the operation.
    public init(track: String, after: String? = nil, before: String? = nil) {
        self.track = track
        self.after = after
        self.before = before
    }
}
