import Foundation

/// Converts an OpenTimelineIO timeline into the records of a new project.
///
/// Ranges are converted exactly (``RationalTime/flicks()``). Each top-level track becomes a
/// track; a nested `Track` inside a track is inlined at its position; a nested `Stack` (at the
/// top or inside a track) is flattened into extra tracks, offset to where it sits; a `source_range`
/// on a nested track or stack trims what it shows (clips are cut to the visible part). A transition
/// becomes the `transitionIn` of the clip after it. Media references become assets (one per
/// distinct reference). Anything without an EditBay equivalent is kept in metadata under
/// `"otio"`: unknown schemas (items and references), gap metadata, effects other than
/// `LinearTimeWarp`, transitions not followed by a clip, and disabled clips.
struct OTIOImporter {
    let timeline: OTIOTimeline
    var makeID: () -> String

    private(set) var rate: FrameRate = .fps24
    private var tracks: [TrackRecord] = []
    private var clips: [ClipRecord] = []
    private var assets: [String: AssetRecord] = [:]
    private var assetKeys: [String: String] = [:]
    private var markers: [MarkerRecord] = []
    private var usedIDs: Set<String> = []

    init(timeline: OTIOTimeline, makeID: @escaping () -> String) {
        self.timeline = timeline
        self.makeID = makeID
    }

    /// Where a composition's inner time lands on the timeline: `timeline = inner + shift`, and only
    /// `window` (timeline time) of it is visible when an enclosing item trims it with a `source_range`.
    struct Placement {
        var shift: Flicks = .zero
        var window: Range<Flicks>?

        static let top = Placement()

        /// The placement of a nested composition occupying inner `[start, start + length)` here and
        /// showing its own inner time from `sourceStart`.
        func nested(at start: Flicks, length: Flicks, sourceStart: Flicks) -> Placement {
            let lower = shift + start
            var w = lower..<(lower + max(length, .zero))
            if let window {
                let lo = max(w.lowerBound, window.lowerBound)
                w = lo..<max(lo, min(w.upperBound, window.upperBound))
            }
            return Placement(shift: shift + start - sourceStart, window: w)
        }
    }

    /// A lane being filled: one EditBay track.
    private struct Lane {
        var record: TrackRecord
        var unknown: [JSONValue] = []
    }

    func flicks(_ t: RationalTime, _ path: String) throws(TimelineError) -> Flicks {
        do {
            return try t.flicks()
        } catch {
            throw TimelineError.importFailed.with("\(path): \(error.code)")
        }
    }

    mutating func id(preferring: String?) -> String {
        if let p = preferring, !p.isEmpty, p.count <= OperationPlanner.maxIDLength, !usedIDs.contains(p) {
            usedIDs.insert(p)
            return p
        }
        var n = makeID()
        while usedIDs.contains(n) { n = makeID() }
        usedIDs.insert(n)
        return n
    }

    mutating func run() throws(TimelineError) -> TimelineView {
        let editbay = timeline.metadata["editbay"]?.objectValue
        if let r = editbay?["rate"]?.objectValue, let n = r["num"]?.int64Value, let rr = try? FrameRate(n, r["den"]?.int64Value ?? 1) {
            rate = rr
        } else if let first = Self.firstRate(timeline.tracks.children), let rr = try? FrameRate(approximating: first) {
            rate = rr
        }
        var metadata = timeline.metadata
        metadata["editbay"] = nil
        var meta = ProjectMeta(
            name: timeline.name,
            rate: rate,
            width: editbay?["width"]?.int64Value ?? 1920,
            height: editbay?["height"]?.int64Value ?? 1080,
            sampleRate: editbay?["sampleRate"]?.int64Value ?? 48_000,
            metadata: metadata
        )
        for a in editbay?["unusedAssets"]?.arrayValue ?? [] {
            guard var record = a.decoded(as: AssetRecord.self) else { continue }
            record.id = id(preferring: record.id)
            assets[record.id] = record
        }
        if let g = timeline.globalStartTime, g.value != 0 {
            meta.metadata["otio"] = .object(["global_start_time": .object(["value": .double(g.value), "rate": .double(g.rate)])])
        }
        var top = Placement.top
        if let r = timeline.tracks.sourceRange {
            top = top.nested(
                at: .zero,
                length: try flicks(r.duration, "tracks.source_range"),
                sourceStart: try flicks(r.startTime, "tracks.source_range")
            )
        }
        try addStack(timeline.tracks, placement: top, name: "", path: "tracks")
        for m in timeline.tracks.markers { try addMarker(m, at: top.shift, sourceStart: .zero, path: "tracks.markers") }
        // Tracks keep the order keys EditBay exported if they are valid and non-decreasing in file
        // order; otherwise every track gets a fresh increasing key (bottom first).
        let kept = tracks.map(\.order)
        let keepable = kept.allSatisfy(FractionalIndex.isValid) && zip(kept, kept.dropFirst()).allSatisfy { $0 <= $1 }
        if !keepable {
            let keys = FractionalIndex.sequence(count: tracks.count)
            for i in tracks.indices { tracks[i].order = keys[i] }
        }
        let state = TimelineState(meta: meta, tracks: tracks, clips: clips, assets: Array(assets.values), markers: markers)
        return try TimelineView(state: state)
    }

    static func firstRate(_ items: [OTIOComposable]) -> Double? {
        for item in items {
            switch item {
            case .clip(let c): if let r = c.trimmedRange?.duration.rate { return r }
            case .gap(let g): return g.sourceRange.duration.rate
            case .track(let t): if let r = firstRate(t.children) { return r }
            case .stack(let s): if let r = firstRate(s.children) { return r }
            default: continue
            }
        }
        return nil
    }

    /// The placement of a child composition that starts at inner `start` of `placement`,
    /// honouring the child's own `source_range` trim.
    private func placement(of child: OTIOComposable, at start: Flicks, in placement: Placement, path: String) throws(TimelineError) -> Placement {
        let range: TimeRange?
        switch child {
        case .track(let t): range = t.sourceRange
        case .stack(let s): range = s.sourceRange
        default: range = nil
        }
        // Without a source_range a composition shows all of itself: only enclosing trims apply.
        guard let range else { return Placement(shift: placement.shift + start, window: placement.window) }
        let length = try flicks(range.duration, path + ".source_range")
        return placement.nested(at: start, length: length, sourceStart: try flicks(range.startTime, path + ".source_range"))
    }

    private mutating func addStack(_ stack: OTIOStack, placement: Placement, name: String, path: String) throws(TimelineError) {
        for (i, child) in stack.children.enumerated() {
            let p = "\(path).children[\(i)]"
            switch child {
            case .track(let t):
                try addTrack(t, placement: try self.placement(of: child, at: .zero, in: placement, path: p), namePrefix: name, path: p)
            case .stack(let s):
                let inner = try self.placement(of: child, at: .zero, in: placement, path: p)
                try addStack(s, placement: inner, name: name.isEmpty ? s.name : "\(name)/\(s.name)", path: p)
            default:
                // A bare item in a stack: a lane of its own.
                try addTrack(
                    OTIOTrack(name: name.isEmpty ? "Stack item" : name, kind: "Video", children: [child]),
                    placement: placement,
                    namePrefix: "",
                    path: p
                )
            }
        }
    }

    private mutating func addTrack(_ t: OTIOTrack, placement: Placement, namePrefix: String, path: String) throws(TimelineError) {
        let kind: TrackKind = t.kind.lowercased() == "audio" ? .audio : .video
        let eb = t.metadata["editbay"]?.objectValue
        // Lanes EditBay exported for overlapping or orphaned clips go back where they came from.
        let overlapOf = eb?["overlapOf"]?.stringValue.flatMap { id in tracks.contains { $0.id == id } ? id : nil }
        if let target = overlapOf ?? eb?["missingTrack"]?.stringValue {
            var lane = Lane(record: TrackRecord(id: target, kind: kind, name: t.name, order: ""))
            try fill(&lane, t, placement: placement, path: path)
            return
        }
        var metadata = t.metadata
        metadata["editbay"] = nil
        let record = TrackRecord(
            id: id(preferring: eb?["overlapOf"] == nil ? eb?["id"]?.stringValue : nil),
            kind: kind,
            name: namePrefix.isEmpty ? t.name : "\(namePrefix)/\(t.name)",
            order: eb?["order"]?.stringValue ?? "",
            muted: eb?["muted"]?.boolValue ?? (kind == .audio && !t.enabled),
            hidden: eb?["hidden"]?.boolValue ?? (kind == .video && !t.enabled),
            locked: eb?["locked"]?.boolValue ?? false,
            metadata: metadata
        )
        var lane = Lane(record: record)
        let index = tracks.count
        tracks.append(record)
        try fill(&lane, t, placement: placement, path: path)
        for m in t.markers { try addMarker(m, at: placement.shift, sourceStart: .zero, path: "\(path).markers") }
        if !lane.unknown.isEmpty {
            var otio = lane.record.metadata["otio"]?.objectValue ?? [:]
            otio["items"] = .array(lane.unknown)
            lane.record.metadata["otio"] = .object(otio)
        }
        tracks[index] = lane.record
    }

    private mutating func fill(_ lane: inout Lane, _ t: OTIOTrack, placement: Placement, path: String) throws(TimelineError) {
        let ranges: [(start: Flicks, duration: Flicks)]
        do {
            ranges = try t.childRanges()
        } catch {
            throw TimelineError.importFailed.with("\(path): \(error.code)")
        }
        var pending: OTIOTransition?
        for (i, child) in t.children.enumerated() {
            let p = "\(path).children[\(i)]"
            let start = placement.shift + ranges[i].start
            var keepsTransition = false
            switch child {
            case .transition, .clip: keepsTransition = true
            default: break
            }
            if !keepsTransition, let tr = pending {
                lane.unknown.append(.object(["schema": .string("Transition.1"), "name": .string(tr.name), "start": .integer(start.value)]))
                pending = nil
            }
            switch child {
            case .clip(let c):
                // An enclosing trim hides part (or all) of the clip.
                // (Ranges are built so that lower ≤ upper even for negative durations in bad files.)
                var visible = start..<max(start, start + ranges[i].duration)
                if let w = placement.window {
                    let lo = max(visible.lowerBound, w.lowerBound)
                    visible = lo..<max(lo, min(visible.upperBound, w.upperBound))
                }
                if ranges[i].duration <= .zero {
                    lane.unknown.append(
                        .object(["schema": .string("Clip.2"), "name": .string(c.name), "invalid": .string("duration is not positive")])
                    )
                } else if visible.isEmpty {
                    lane.unknown.append(.object(["schema": .string("Clip.2"), "name": .string(c.name), "trimmedOut": .bool(true)]))
                } else {
                    try addClip(
                        c,
                        on: lane.record,
                        start: visible.lowerBound,
                        duration: visible.upperBound - visible.lowerBound,
                        headTrim: visible.lowerBound - start,
                        transition: pending,
                        path: p
                    )
                }
                pending = nil
            case .gap(let g):
                if !g.metadata.isEmpty || !g.markers.isEmpty || !g.name.isEmpty {
                    lane.unknown.append(
                        .object([
                            "schema": .string("Gap.1"), "name": .string(g.name), "start": .integer(start.value),
                            "duration": .integer(ranges[i].duration.value), "metadata": .object(g.metadata),
                        ])
                    )
                }
                for m in g.markers { try addMarker(m, at: start, sourceStart: try flicks(g.sourceRange.startTime, p), path: p) }
            case .transition(let tr):
                pending = tr
            case .track(let nested):
                try fill(&lane, nested, placement: try self.placement(of: child, at: ranges[i].start, in: placement, path: p), path: p)
            case .stack(let s):
                let inner = try self.placement(of: child, at: ranges[i].start, in: placement, path: p)
                try addStack(s, placement: inner, name: "\(lane.record.name)/\(s.name)", path: p)
            case .unknown(let schema, let fields):
                lane.unknown.append(.object(["schema": .string(schema), "start": .integer(start.value), "fields": .object(fields)]))
            }
        }
        if let tr = pending {
            lane.unknown.append(
                .object([
                    "schema": .string("Transition.1"), "name": .string(tr.name),
                    "start": .integer((placement.shift + (ranges.last.map { $0.start } ?? .zero)).value),
                ])
            )
        }
    }

    private mutating func addClip(
        _ c: OTIOClip,
        on track: TrackRecord,
        start: Flicks,
        duration: Flicks,
        headTrim: Flicks,
        transition: OTIOTransition?,
        path: String
    ) throws(TimelineError) {
        let ref = c.mediaReference
        var metadata = c.metadata
        let eb = metadata["editbay"]?.objectValue
        metadata["editbay"] = nil
        // A clip EditBay exported while its asset was deleted (a conflict) points at that asset again.
        var dangling: String?
        if let id = eb?["asset"]?.stringValue {
            if let ref, case .missing = ref.kind, ref.metadata["editbay"] == nil, ref.name.isEmpty { dangling = id }
            if ref == nil { dangling = id }
        }
        let asset: AssetRecord
        if let dangling {
            asset = AssetRecord(id: dangling, kind: .video)
        } else {
            asset = try self.asset(for: ref, on: track.kind, path: path)
        }
        let trimmedStart =
            try c.trimmedRange.map { (r: TimeRange) throws(TimelineError) in try flicks(r.startTime, path + ".source_range") } ?? asset.start
        var otio: JSONObject = [:]
        var speed = eb?["speed"]?.doubleValue ?? 1
        var otherEffects: [JSONValue] = []
        for e in c.effects {
            if e.objectValue?["OTIO_SCHEMA"]?.stringValue == "LinearTimeWarp.1", let s = e.objectValue?["time_scalar"]?.doubleValue, s > 0 {
                speed = s
            } else {
                otherEffects.append(e)
            }
        }
        if !otherEffects.isEmpty { otio["effects"] = .array(otherEffects) }
        if !c.enabled { otio["enabled"] = .bool(false) }
        if let t = transition, !t.name.isEmpty, t.name != t.metadata["editbay"]?.objectValue?["kind"]?.stringValue {
            otio["transitionName"] = .string(t.name)
        }
        if !otio.isEmpty { metadata["otio"] = .object(otio) }
        var transitionIn: ClipTransition?
        if let t = transition {
            let i = try flicks(t.inOffset, path + " transition in_offset")
            let o = try flicks(t.outOffset, path + " transition out_offset")
            let kind =
                t.metadata["editbay"]?.objectValue?["kind"]?.stringValue ?? (t.transitionType == "SMPTE_Dissolve" ? "dissolve" : t.transitionType)
            transitionIn = ClipTransition(kind: kind, duration: i + o, inOffset: i)
        }
        let record = ClipRecord(
            id: id(preferring: eb?["id"]?.stringValue),
            track: track.id,
            asset: asset.id,
            start: start,
            duration: duration,
            inPoint: trimmedStart - asset.start + headTrim,
            speed: speed,
            gain: eb?["gain"]?.doubleValue ?? 1,
            opacity: eb?["opacity"]?.doubleValue ?? 1,
            transitionIn: transitionIn,
            name: c.name,
            metadata: metadata
        )
        clips.append(record)
        for m in c.markers { try addMarker(m, at: start - headTrim, sourceStart: trimmedStart, path: path + ".markers") }
    }

    private mutating func asset(for ref: OTIOMediaReference?, on kind: TrackKind, path: String) throws(TimelineError) -> AssetRecord {
        let ref = ref ?? OTIOMediaReference(kind: .missing)
        let key: String
        var record = AssetRecord(id: "", kind: kind == .audio ? .audio : .video, name: ref.name)
        switch ref.kind {
        case .external(let url):
            key = "url:" + url
            record.uri = url
            if record.name.isEmpty { record.name = (url as NSString).lastPathComponent }
        case .missing:
            key = "missing:" + ref.name
            record.status = .missing
        case .generator(let g, let params):
            key = "generator:" + g + ":" + Self.canonical(.object(params))
            record.status = .ready
            record.origin = ["type": .string("generator"), "kind": .string(g), "parameters": .object(params)]
            if record.name.isEmpty { record.name = g }
        case .unknown(let schema, let fields):
            key = "unknown:" + schema + ":" + Self.canonical(.object(fields))
            record.status = .missing
            record.origin = ["type": .string("otio"), "schema": .string(schema), "fields": .object(fields)]
        }
        if let existing = assetKeys[key], var a = assets[existing] {
            if a.kind == .video && kind == .audio && !a.hasAudio {
                a.hasAudio = true
                assets[existing] = a
            }
            return a
        }
        if let r = ref.availableRange {
            record.start = try flicks(r.startTime, path + ".available_range")
            record.duration = try flicks(r.duration, path + ".available_range")
            record.rate = try? r.duration.frameRate
        }
        // An asset EditBay exported comes back with its own fields; the reference's URL and range win.
        if let saved = ref.metadata["editbay"]?.objectValue?["asset"]?.decoded(as: AssetRecord.self) {
            let (uri, start, duration) = (record.uri, record.start, record.duration)
            record = saved
            if case .external = ref.kind { record.uri = uri }
            if ref.availableRange != nil {
                record.start = start
                record.duration = duration
            }
        }
        record.id = id(preferring: ref.metadata["editbay"]?.objectValue?["id"]?.stringValue)
        assetKeys[key] = record.id
        assets[record.id] = record
        return record
    }

    private mutating func addMarker(_ m: OTIOMarker, at itemStart: Flicks, sourceStart: Flicks, path: String) throws(TimelineError) {
        let s = try flicks(m.markedRange.startTime, path)
        let d = try flicks(m.markedRange.duration, path)
        let eb = m.metadata["editbay"]?.objectValue
        markers.append(
            MarkerRecord(
                id: id(preferring: eb?["id"]?.stringValue),
                time: itemStart + s - sourceStart,
                duration: d,
                label: m.name,
                color: eb?["color"]?.stringValue ?? m.color.lowercased()
            )
        )
    }

    static func canonical(_ v: JSONValue) -> String {
        let e = JSONEncoder()
        e.outputFormatting = .sortedKeys
        return (try? String(decoding: e.encode(v), as: UTF8.self)) ?? ""
    }
}

extension ProjectDocument {
    /// Imports an OpenTimelineIO timeline into a new project document (one transaction).
    /// - Parameters:
    ///   - timeline: the OTIO timeline.
    ///   - clientID: the CRDT client id.
    ///   - makeID: makes ids (UUIDs by default); ids EditBay wrote into `metadata["editbay"]` on
    ///     export are reused when unique, so an export/import round trip keeps them.
    /// - Throws: ``TimelineError/importFailed`` naming the OTIO path of a time it cannot convert.
    public static func importOTIO(
        _ timeline: OTIOTimeline,
        clientID: UInt64? = nil,
        makeID: @escaping () -> String = { UUID().uuidString.lowercased() }
    ) throws(TimelineError) -> ProjectDocument {
        var importer = OTIOImporter(timeline: timeline, makeID: makeID)
        return create(from: try importer.run(), clientID: clientID)
    }
}
