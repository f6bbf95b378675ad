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
