/// Adds a clip of an asset on a track. `duration` defaults to the rest of the asset after `in`.
public struct AddClip: Sendable, Hashable {
    /// The new id (the server makes one if nil).
    public var id: String?
    /// The track.
    public var track: String
    /// The asset.
    public var asset: String
    /// Where it starts on the timeline.
    public var start: Flicks
    /// Its length (required for assets without a duration).
    public var duration: Flicks?
    /// Offset into the asset (default 0).
    public var inPoint: Flicks
    /// The name (defaults to the asset's name).
    public var name: String?

    /// Creates the operation.
    public init(id: String? = nil, track: String, asset: String, start: Flicks, duration: Flicks? = nil, inPoint: Flicks = .zero, name: String? = nil)
    {
        self.id = id
        self.track = track
        self.asset = asset
        self.start = start
        self.duration = duration
        self.inPoint = inPoint
        self.name = name
    }
}

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

/// Trims a clip. `start` moves the head edge: the end stays put and `in` moves by the same
/// amount (times speed), unless `duration`/`in` are given too. `duration` alone moves the tail.
public struct TrimClip: Sendable, Hashable {
    /// The clip.
    public var clip: String
    /// New start (head edge).
    public var start: Flicks?
    /// New duration (tail edge).
    public var duration: Flicks?
    /// New offset into the asset.
    public var inPoint: Flicks?

    /// Creates the operation.
    public init(clip: String, start: Flicks? = nil, duration: Flicks? = nil, inPoint: Flicks? = nil) {
        self.clip = clip
        self.start = start
        self.duration = duration
        self.inPoint = inPoint
    }
}

/// Slips a clip: shows another part of its media without moving or resizing it.
public struct SlipClip: Sendable, Hashable {
    /// The clip.
    public var clip: String
    /// New offset into the asset.
    public var inPoint: Flicks

    /// Creates the operation.
    public init(clip: String, inPoint: Flicks) {
        self.clip = clip
        self.inPoint = inPoint
    }
}

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

/// Removes a clip, leaving a gap.
public struct RemoveClip: Sendable, Hashable {
    /// The clip.
    public var clip: String

    /// Creates the operation.
    public init(clip: String) { self.clip = clip }
}

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

/// Sets clip properties; nil fields stay as they are.
public struct SetClip: Sendable, Hashable {
    /// The clip.
    public var clip: String
    /// Linear gain, 0…16.
    public var gain: Double?
    /// Opacity, 0…1.
    public var opacity: Double?
    /// Speed, 0.01…100 (media used must stay inside the asset).
    public var speed: Double?
    /// A new transition in.
    public var transitionIn: ClipTransition?
    /// True to remove the transition in (JSON `"transitionIn": null`).
    public var removeTransitionIn: Bool
    /// New name.
    public var name: String?

    /// Creates the operation.
    public init(
        clip: String,
        gain: Double? = nil,
        opacity: Double? = nil,
        speed: Double? = nil,
        transitionIn: ClipTransition? = nil,
        removeTransitionIn: Bool = false,
        name: String? = nil
    ) {
        self.clip = clip
        self.gain = gain
        self.opacity = opacity
        self.speed = speed
        self.transitionIn = transitionIn
        self.removeTransitionIn = removeTransitionIn
        self.name = name
    }
}
