/// Changes the project settings; nil fields stay as they are. Stored times are flicks, so a new
/// frame rate moves nothing: it changes how times are shown, snapped and exported.
public struct UpdateProject: Sendable, Hashable {
    /// New name.
    public var name: String?
    /// New frame rate.
    public var rate: FrameRate?
    /// New width in pixels (1…1000000).
    public var width: Int64?
    /// New height in pixels (1…1000000).
    public var height: Int64?
    /// New sample rate in Hz (1…1000000).
    public var sampleRate: Int64?

    /// Creates the operation.
    public init(name: String? = nil, rate: FrameRate? = nil, width: Int64? = nil, height: Int64? = nil, sampleRate: Int64? = nil) {
        self.name = name
        self.rate = rate
        self.width = width
        self.height = height
        self.sampleRate = sampleRate
    }
}

/// Adds a track. Without `after`/`before` it goes on top (last in order).
public struct AddTrack: Sendable, Hashable {
    /// The new id (the server makes one if nil).
    public var id: String?
    /// Video or audio.
    public var kind: TrackKind
    /// The name (defaults to `V<n>`/`A<n>`).
    public var name: String?
    /// Place it just above this track.
    public var after: String?
    /// Place it just below this track.
    public var before: String?

    /// Creates the operation.
    public init(id: String? = nil, kind: TrackKind, name: String? = nil, after: String? = nil, before: String? = nil) {
        self.id = id
        self.kind = kind
        self.name = name
        self.after = after
        self.before = before
    }
}

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

/// Removes a track and every clip on it.
public struct RemoveTrack: Sendable, Hashable {
    /// The track.
    public var track: String

    /// Creates the operation.
    public init(track: String) { self.track = track }
}
