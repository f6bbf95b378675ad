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
