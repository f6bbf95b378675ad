/// Changes a track's name and flags; nil fields stay as they are.
public struct UpdateTrack: Sendable, Hashable {
    /// The track.
    public var track: String
    /// New name.
    public var name: String?
    /// New muted flag.
    public var muted: Bool?
    /// New hidden flag.
    public var hidden: Bool?
    /// New locked flag (allowed on a locked track, to unlock it).
    public var locked: Bool?

    /// Creates the operation.
    public init(track: String, name: String? = nil, muted: Bool? = nil, hidden: Bool? = nil, locked: Bool? = nil) {
        self.track = track
        self.name = name
        self.muted = muted
        self.hidden = hidden
        self.locked = locked
    }
}
