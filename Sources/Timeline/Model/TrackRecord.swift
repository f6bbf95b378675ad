import CRDT

/// One track as stored in `tracks` (id → map).
public struct TrackRecord: Sendable, Hashable, Codable {
    /// The track's id.
    public var id: String
    /// Video or audio.
    public var kind: TrackKind
    /// The display name.
    public var name: String
    /// Fractional-index key: tracks sort by `(order, id)`, bottom layer first.
    public var order: String
    /// Muted (audio is silent).
    public var muted: Bool
    /// Hidden (not rendered).
    public var hidden: Bool
    /// Locked (edits to it and its clips are refused).
    public var locked: Bool
    /// Free metadata (for example what an OTIO import could not map: unknown items, gap metadata).
    public var metadata: JSONObject

    /// Creates a track record.
    public init(
        id: String,
        kind: TrackKind,
        name: String,
        order: String,
        muted: Bool = false,
        hidden: Bool = false,
        locked: Bool = false,
        metadata: JSONObject = [:]
    ) {
        self.id = id
        self.kind = kind
        self.name = name
        self.order = order
        self.muted = muted
        self.hidden = hidden
        self.locked = locked
        self.metadata = metadata
    }

    /// Parses stored fields; nil (with a reason) if `kind` is missing or unknown.
    static func parse(id: String, _ o: YObject) -> Result<TrackRecord, EntryProblem> {
        guard let k = o["kind"]?.stringValue, let kind = TrackKind(rawValue: k) else {
            return .failure(EntryProblem(collection: .tracks, id: id, reason: "kind is missing or unknown"))
        }
        var metadata: JSONObject = [:]
        if case .object(let m)? = o["metadata"]?.jsonValue { metadata = m }
        return .success(
            TrackRecord(
                id: id,
                kind: kind,
                name: o["name"]?.stringValue ?? "",
                order: o["order"]?.stringValue ?? "",
                muted: o["muted"]?.boolValue ?? false,
                hidden: o["hidden"]?.boolValue ?? false,
                locked: o["locked"]?.boolValue ?? false,
                metadata: metadata
            )
        )
    }

    var fields: [String: YAny] {
        var f: [String: YAny] = [
            "kind": .string(kind.rawValue), "name": .string(name), "order": .string(order), "muted": .bool(muted), "hidden": .bool(hidden),
            "locked": .bool(locked),
        ]
        if !metadata.isEmpty { f["metadata"] = JSONValue.object(metadata).yAny }
        return f
    }
}
