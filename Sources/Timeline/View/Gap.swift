/// Empty time on a track: before its first clip or between two clips. AI fill jobs target these.
public struct Gap: Sendable, Hashable, Codable {
    /// The track.
    public var track: String
    /// The first empty instant.
    public var start: Flicks
    /// The first instant after the gap; nil for the open space after the track's last clip.
    public var end: Flicks?
    /// The clip that ends where the gap starts (nil at the start of the track).
    public var before: String?
    /// The clip that starts where the gap ends (nil after the last clip).
    public var after: String?

    /// Creates a gap.
    public init(track: String, start: Flicks, end: Flicks?, before: String?, after: String?) {
        self.track = track
        self.start = start
        self.end = end
        self.before = before
        self.after = after
    }

    /// The gap's length (nil if open-ended).
    public var duration: Flicks? { end.map { $0 - start } }

    /// True if `time` is inside the gap.
    public func contains(_ time: Flicks) -> Bool { time >= start && (end.map { time < $0 } ?? true) }
}
