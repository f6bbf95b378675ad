import CRDT

/// A typed snapshot of a project document: every entry of `tracks`, `clips`, `assets` and
/// `markers` parsed into records, plus the entries that could not be parsed.
///
/// It is a plain value (`Sendable`), so it can leave the isolation domain that owns the
/// ``ProjectDocument``; views, gaps, conflicts and diffs are computed from it.
public struct TimelineState: Sendable, Hashable {
    /// The project settings, or the reason the document is not a readable project.
    public private(set) var meta: Result<ProjectMeta, TimelineError>
    /// Tracks by id.
    public private(set) var tracks: [String: TrackRecord] = [:]
    /// Clips by id.
    public private(set) var clips: [String: ClipRecord] = [:]
    /// Assets by id.
    public private(set) var assets: [String: AssetRecord] = [:]
    /// Markers by id.
    public private(set) var markers: [String: MarkerRecord] = [:]
    /// Entries that could not be parsed, keyed by collection and id.
    public private(set) var problems: [String: EntryProblem] = [:]

    private var raw: [EntityCollection: [String: YObject]] = [:]
    private var metaFields: YObject

    /// Reads a document's current state.
    public init(doc: YDoc) {
        var raw: [EntityCollection: [String: YObject]] = [:]
        var problems: [String: EntryProblem] = [:]
        for c in EntityCollection.allCases {
            guard case .object(let root) = doc.getMap(c.rawValue).toJSON() else { continue }
            for (id, value) in root {
                if case .object(let fields) = value {
                    raw[c, default: [:]][id] = fields
                } else {
                    problems[Self.key(c, id)] = EntryProblem(collection: c, id: id, reason: "entry is not a map")
                }
            }
        }
        let metaFields = doc.getMap("meta").toJSON().objectValue ?? YObject()
        self.init(metaFields: metaFields, raw: raw, problems: problems)
    }

    init(metaFields: YObject, raw: [EntityCollection: [String: YObject]], problems: [String: EntryProblem] = [:]) {
        self.metaFields = metaFields
        meta = Self.parseMeta(metaFields)
        self.raw = raw
        self.problems = problems
        for (c, entries) in raw {
            for id in entries.keys { reparse(c, id) }
        }
    }

    private static func parseMeta(_ fields: YObject) -> Result<ProjectMeta, TimelineError> {
        do throws(TimelineError) {
            return .success(try ProjectMeta(fields: fields))
        } catch {
            return .failure(error)
        }
    }

    /// The project settings.
    /// - Throws: ``TimelineError/notAProject`` or ``TimelineError/unsupportedSchema``.
    public func projectMeta() throws(TimelineError) -> ProjectMeta { try meta.get() }

    private static func key(_ c: EntityCollection, _ id: String) -> String { "\(c.rawValue)/\(id)" }

    /// True if `id` is used by any entry (parsed or not) of `collection`.
    func contains(_ collection: EntityCollection, _ id: String) -> Bool { raw[collection]?[id] != nil || problems[Self.key(collection, id)] != nil }

    private mutating func reparse(_ c: EntityCollection, _ id: String) {
        let k = Self.key(c, id)
        problems[k] = nil
        tracks[id] = c == .tracks ? nil : tracks[id]
        clips[id] = c == .clips ? nil : clips[id]
        assets[id] = c == .assets ? nil : assets[id]
        markers[id] = c == .markers ? nil : markers[id]
        guard let fields = raw[c]?[id] else { return }
        switch c {
        case .tracks:
            switch TrackRecord.parse(id: id, fields) {
            case .success(let r): tracks[id] = r
            case .failure(let p): problems[k] = p
            }
        case .clips:
            switch ClipRecord.parse(id: id, fields) {
            case .success(let r): clips[id] = r
            case .failure(let p): problems[k] = p
            }
        case .assets:
            switch AssetRecord.parse(id: id, fields) {
            case .success(let r): assets[id] = r
            case .failure(let p): problems[k] = p
            }
        case .markers:
            switch MarkerRecord.parse(id: id, fields) {
            case .success(let r): markers[id] = r
            case .failure(let p): problems[k] = p
            }
        }
    }

    /// Applies a planned write to this snapshot (as the document will after the transaction).
    mutating func apply(_ write: DocumentWrite) {
        switch write {
        case .create(let c, let id, let fields):
            raw[c, default: [:]][id] = YObject(fields.keys.sorted().map { ($0, fields[$0]!) })
            reparse(c, id)
        case .set(let c, let id, let key, let value):
            guard raw[c]?[id] != nil else { return }
            raw[c]![id]![key] = value
            reparse(c, id)
        case .setMeta(let key, let value):
            metaFields[key] = value
            meta = Self.parseMeta(metaFields)
        case .remove(let c, let id):
            raw[c]?[id] = nil
            if raw[c]?.isEmpty == true { raw[c] = nil }
            reparse(c, id)
        }
    }
}

extension TimelineState {
    /// A state holding exactly these records (for imports and tests).
    public init(meta: ProjectMeta, tracks: [TrackRecord], clips: [ClipRecord], assets: [AssetRecord], markers: [MarkerRecord]) {
        var raw: [EntityCollection: [String: YObject]] = [:]
        func object(_ f: [String: YAny]) -> YObject { YObject(f.keys.sorted().map { ($0, f[$0]!) }) }
        for t in tracks { raw[.tracks, default: [:]][t.id] = object(t.fields) }
        for c in clips { raw[.clips, default: [:]][c.id] = object(c.fields) }
        for a in assets { raw[.assets, default: [:]][a.id] = object(a.fields) }
        for m in markers { raw[.markers, default: [:]][m.id] = object(m.fields) }
        let metaFields = meta.fields
        self.init(metaFields: object(metaFields), raw: raw)
    }

    /// Every entry as the writes that would create it (meta is not included).
    var creationWrites: [DocumentWrite] {
        var out: [DocumentWrite] = []
        for t in tracks.values.sorted(by: { $0.id < $1.id }) { out.append(.create(.tracks, id: t.id, fields: t.fields)) }
        for a in assets.values.sorted(by: { $0.id < $1.id }) { out.append(.create(.assets, id: a.id, fields: a.fields)) }
        for c in clips.values.sorted(by: { $0.id < $1.id }) { out.append(.create(.clips, id: c.id, fields: c.fields)) }
        for m in markers.values.sorted(by: { $0.id < $1.id }) { out.append(.create(.markers, id: m.id, fields: m.fields)) }
        return out
    }
}
