import CRDT

/// Validates operations against a ``TimelineState`` and turns them into field-level writes.
///
/// Each planned operation is applied to the planner's own copy of the state, so a batch sees
/// its earlier operations; nothing reaches the document until the whole batch is planned.
struct OperationPlanner {
    /// Longest accepted id.
    static let maxIDLength = 128
    /// Longest accepted name, label, URI or colour.
    static let maxTextLength = 4096

    private(set) var state: TimelineState
    private(set) var writes: [DocumentWrite] = []
    var makeID: () -> String

    init(state: TimelineState, makeID: @escaping () -> String) throws(TimelineError) {
        _ = try state.projectMeta()
        self.state = state
        self.makeID = makeID
    }

    mutating func plan(_ op: EditOperation) throws(TimelineError) -> OperationResult {
        switch op {
        case .updateProject(let o): return try updateProject(o)
        case .addTrack(let o): return try addTrack(o)
        case .updateTrack(let o): return try updateTrack(o)
        case .moveTrack(let o): return try moveTrack(o)
        case .removeTrack(let o): return try removeTrack(o)
        case .addAsset(let o): return try addAsset(o)
        case .updateAsset(let o): return try updateAsset(o)
        case .removeAsset(let o): return try removeAsset(o)
        case .addClip(let o): return try addClip(o)
        case .moveClip(let o): return try moveClip(o)
        case .trimClip(let o): return try trimClip(o)
        case .slipClip(let o): return try slipClip(o)
        case .splitClip(let o): return try splitClip(o)
        case .removeClip(let o): return try removeClip(o)
        case .rippleDelete(let o): return try rippleDelete(o)
        case .setClip(let o): return try setClip(o)
        case .addMarker(let o): return try addMarker(o)
        case .moveMarker(let o): return try moveMarker(o)
        case .updateMarker(let o): return try updateMarker(o)
        case .removeMarker(let o): return try removeMarker(o)
        }
    }

    // MARK: writing

    mutating func emit(_ w: DocumentWrite) {
        state.apply(w)
        writes.append(w)
    }

    /// Writes the fields that differ between two versions of an entry.
    mutating func emitChanges(_ c: EntityCollection, id: String, old: [String: YAny], new: [String: YAny]) {
        for key in Set(old.keys).union(new.keys).sorted() where old[key]?.normalized != new[key]?.normalized {
            emit(.set(c, id: id, key: key, value: new[key]))
        }
    }

    // MARK: lookups

    func track(_ id: String, field: String = "track") throws(TimelineError) -> TrackRecord {
        guard let t = state.tracks[id] else { throw TimelineError.trackNotFound.with("no track \(id)", field: field) }
        return t
    }

    func clip(_ id: String, field: String = "clip") throws(TimelineError) -> ClipRecord {
        guard let c = state.clips[id] else { throw TimelineError.clipNotFound.with("no clip \(id)", field: field) }
        return c
    }

    func asset(_ id: String, field: String = "asset") throws(TimelineError) -> AssetRecord {
        guard let a = state.assets[id] else { throw TimelineError.assetNotFound.with("no asset \(id)", field: field) }
        return a
    }

    func marker(_ id: String, field: String = "marker") throws(TimelineError) -> MarkerRecord {
        guard let m = state.markers[id] else { throw TimelineError.markerNotFound.with("no marker \(id)", field: field) }
        return m
    }

    func clips(on track: String) -> [ClipRecord] {
        state.clips.values.filter { $0.track == track }.sorted { ($0.start, $0.id) < ($1.start, $1.id) }
    }

    // MARK: checks

    /// A fresh id, or the given one if it is valid and unused.
    mutating func newID(_ given: String?, in c: EntityCollection, field: String = "id") throws(TimelineError) -> String {
        guard let given else { return makeID() }
        guard !given.isEmpty, given.count <= Self.maxIDLength else {
            throw TimelineError.invalidValue.with("ids are 1–\(Self.maxIDLength) characters", field: field)
        }
        guard !state.contains(c, given) else { throw TimelineError.duplicateID.with("\(c.rawValue) already has \(given)", field: field) }
        return given
    }

    func checkText(_ s: String?, field: String) throws(TimelineError) {
        if let s, s.count > Self.maxTextLength {
            throw TimelineError.invalidValue.with("longer than \(Self.maxTextLength) characters", field: field)
        }
    }

    func checkTime(_ t: Flicks, field: String) throws(TimelineError) {
        guard t >= .zero else { throw TimelineError.negativeTime.with("\(field) is negative", field: field) }
        guard t.isExactlyStorable else { throw TimelineError.invalidValue.with("\(field) is beyond 2^53 flicks", field: field) }
    }

    func checkDuration(_ d: Flicks, field: String = "duration") throws(TimelineError) {
        guard d > .zero else { throw TimelineError.invalidDuration.with("\(field) must be positive", field: field) }
        guard d.isExactlyStorable else { throw TimelineError.invalidValue.with("\(field) is beyond 2^53 flicks", field: field) }
    }

    func checkUnlocked(_ t: TrackRecord) throws(TimelineError) {
        if t.locked { throw TimelineError.trackLocked.with("track \(t.id) is locked", field: "track") }
    }

    func checkKind(_ a: AssetRecord, on t: TrackRecord) throws(TimelineError) {
        guard a.kind.fits(t.kind, hasAudio: a.hasAudio) else {
            throw TimelineError.kindMismatch.with("\(a.kind.rawValue) asset \(a.id) cannot go on \(t.kind.rawValue) track \(t.id)")
        }
    }

    /// The clip's times are valid and it uses only media its asset has.
    func checkMedia(_ c: ClipRecord, _ a: AssetRecord) throws(TimelineError) {
        try checkTime(c.start, field: "start")
        try checkDuration(c.duration)
        try checkTime(c.inPoint, field: "in")
        try checkTime(c.end, field: "duration")
        if let d = a.duration, c.inPoint + c.mediaDuration > d {
            throw TimelineError.outsideAsset.with("clip \(c.id) would use media up to \(c.inPoint + c.mediaDuration) of \(d)", field: "duration")
        }
    }

    /// No other clip (outside `ignoring`) on the clip's track intersects it.
    func checkNoOverlap(_ c: ClipRecord, ignoring: Set<String> = []) throws(TimelineError) {
        for other in state.clips.values where other.track == c.track && other.id != c.id && !ignoring.contains(other.id) {
            if other.start < c.end && c.start < other.end {
                throw TimelineError.overlap.with("clip \(c.id) would overlap clip \(other.id) on track \(c.track)")
            }
        }
    }
}
