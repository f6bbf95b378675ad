import CRDT

/// The difference between two states of a project (two versions), entity by entity, in a form a
/// history panel can show: each change has a kind, the fields that changed with their old and new
/// values, and a one-line summary with timecodes at the project rate.
public struct TimelineDiff: Sendable, Hashable, Codable {
    /// What happened to an entity.
    public enum ChangeKind: String, Sendable, Hashable, Codable {
        /// It exists only in the newer state.
        case added
        /// It exists only in the older state.
        case removed
        /// A clip changed start and/or track; a marker changed time.
        case moved
        /// A clip changed duration and/or `in` (perhaps also start).
        case trimmed
        /// A track changed order.
        case reordered
        /// A track, clip or asset changed name only.
        case renamed
        /// Other fields changed.
        case changed
    }

    /// One field's old and new values (nil where absent).
    public struct FieldChange: Sendable, Hashable, Codable {
        /// The stored field name (`start`, `in`, `gain`, …).
        public var field: String
        /// The older value.
        public var old: JSONValue?
        /// The newer value.
        public var new: JSONValue?

        /// Creates a field change.
        public init(field: String, old: JSONValue?, new: JSONValue?) {
            self.field = field
            self.old = old
            self.new = new
        }
    }

    /// A change to one entity.
    public struct Change: Sendable, Hashable, Codable {
        /// `meta`, `tracks`, `assets`, `clips` or `markers`.
        public var entity: String
        /// The entity's id (`meta` for the project settings).
        public var id: String
        /// What happened.
        public var kind: ChangeKind
        /// The fields that differ (every field for added/removed entities).
        public var fields: [FieldChange]
        /// A sentence for people.
        public var summary: String
    }

    /// The changes: meta, then tracks, assets, clips and markers, each by id.
    public var changes: [Change]

    /// True if the states are the same.
    public var isEmpty: Bool { changes.isEmpty }

    /// Compares two states.
    public init(from old: TimelineState, to new: TimelineState) {
        var out: [Change] = []
        let rate = (try? new.projectMeta().rate) ?? (try? old.projectMeta().rate) ?? .fps24
        let describe = Describer(rate: rate, old: old, new: new)
        if let a = try? old.projectMeta(), let b = try? new.projectMeta(), a != b {
            let fields = Self.fieldChanges(a.fields, b.fields)
            out.append(
                Change(
                    entity: "meta",
                    id: "meta",
                    kind: .changed,
                    fields: fields,
                    summary: "Project settings changed: \(fields.map(\.field).joined(separator: ", "))"
                )
            )
        }
        out += Self.compare("tracks", old.tracks, new.tracks, \.fields) { id, kind, f in describe.track(id, kind, f) }
        out += Self.compare("assets", old.assets, new.assets, \.fields) { id, kind, f in describe.asset(id, kind, f) }
        out += Self.compare("clips", old.clips, new.clips, \.fields) { id, kind, f in describe.clip(id, kind, f) }
        out += Self.compare("markers", old.markers, new.markers, \.fields) { id, kind, f in describe.marker(id, kind, f) }
        changes = out
    }

    /// Compares two project documents' current states.
    public init(from old: ProjectDocument, to new: ProjectDocument) { self.init(from: old.state(), to: new.state()) }

    static func fieldChanges(_ a: [String: YAny], _ b: [String: YAny]) -> [FieldChange] {
        Set(a.keys).union(b.keys).sorted().compactMap { k in
            let x = a[k]?.normalized
            let y = b[k]?.normalized
            return x == y ? nil : FieldChange(field: k, old: x?.jsonValue, new: y?.jsonValue)
        }
    }

    static func compare<R>(
        _ entity: String,
        _ old: [String: R],
        _ new: [String: R],
        _ fields: (R) -> [String: YAny],
        _ summary: (String, ChangeKind, [FieldChange]) -> (ChangeKind, String)
    ) -> [Change] {
        var out: [Change] = []
        for id in Set(old.keys).union(new.keys).sorted() {
            let a = old[id].map(fields) ?? [:]
            let b = new[id].map(fields) ?? [:]
            let f = fieldChanges(a, b)
            guard !f.isEmpty else { continue }
            let initial: ChangeKind = old[id] == nil ? .added : new[id] == nil ? .removed : .changed
            let (kind, text) = summary(id, initial, f)
            out.append(Change(entity: entity, id: id, kind: kind, fields: f, summary: text))
        }
        return out
    }
}
