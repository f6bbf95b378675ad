/// Something concurrent edits (or a foreign client) left in the document that the schema does
/// not allow. The view reports every one, in a deterministic order, and drops nothing.
public struct Conflict: Sendable, Hashable, Codable {
    /// What is wrong.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Two clips intersect on one track (`ids` = the two clips, in track order).
        case overlap
        /// A clip's track does not exist (it was deleted concurrently); the clip is listed in
        /// ``TimelineView/orphanClips``.
        case missingTrack
        /// A clip's asset does not exist.
        case missingAsset
        /// An entry could not be read (missing or mistyped fields).
        case invalidEntry

        var rank: Int { Self.allCases.firstIndex(of: self)! }
    }

    /// What is wrong.
    public var kind: Kind
    /// The entities involved (clips for overlaps; the clip or entry otherwise).
    public var ids: [String]
    /// The track concerned (the missing one for ``Kind/missingTrack``).
    public var track: String?
    /// For overlaps: where the intersection starts.
    public var start: Flicks?
    /// For overlaps: where it ends.
    public var end: Flicks?
    /// A short explanation.
    public var message: String

    /// Creates a conflict.
    public init(kind: Kind, ids: [String], track: String? = nil, start: Flicks? = nil, end: Flicks? = nil, message: String) {
        self.kind = kind
        self.ids = ids
        self.track = track
        self.start = start
        self.end = end
        self.message = message
    }

    /// The deterministic order: kind, track, start, ids.
    static func precedes(_ a: Conflict, _ b: Conflict) -> Bool {
        if a.kind != b.kind { return a.kind.rank < b.kind.rank }
        if (a.track ?? "") != (b.track ?? "") { return (a.track ?? "") < (b.track ?? "") }
        if (a.start ?? .zero) != (b.start ?? .zero) { return (a.start ?? .zero) < (b.start ?? .zero) }
        return a.ids.lexicographicallyPrecedes(b.ids)
    }
}
