/// Converts a resolved ``TimelineView`` to an OpenTimelineIO timeline.
///
/// Mapping (see docs/timeline-schema.md): tracks in order become `Track.1`s of the top-level
/// stack (bottom first); empty time becomes `Gap.1`; a clip's `transitionIn` becomes a
/// `Transition.1` just before it (`in_offset` = `inOffset`, `out_offset` = the rest), which
/// changes no lengths; speed becomes a `LinearTimeWarp.1` effect; markers go on the top-level
/// stack. Clips that overlap on a track (a conflict) go to extra tracks named
/// "<track> (overlap n)" and orphaned clips to a track per missing track, so nothing is lost.
/// All times are written at the project rate; EditBay-only fields go in `metadata["editbay"]`.
struct OTIOExporter {
    let view: TimelineView
    var rate: FrameRate { view.meta.rate }

    static let otioColors: Set<String> = ["PINK", "RED", "ORANGE", "YELLOW", "GREEN", "CYAN", "BLUE", "PURPLE", "MAGENTA", "BLACK", "WHITE"]

    func export() -> OTIOTimeline {
        var meta = view.meta.metadata
        meta["editbay"] = .object([
            "schema": .integer(view.meta.schema), "rate": .object(["num": .integer(rate.numerator), "den": .integer(rate.denominator)]),
            "width": .integer(view.meta.width), "height": .integer(view.meta.height), "sampleRate": .integer(view.meta.sampleRate),
            "unusedAssets": .array(unusedAssets.compactMap { JSONValue(encoding: $0) }),
        ])
        var children: [OTIOComposable] = []
        for t in view.tracks {
            let lanes = Self.lanes(t.clips)
            for (i, lane) in lanes.enumerated() {
                children.append(.track(track(t.record, lane, overlapLane: i)))
            }
            if lanes.isEmpty { children.append(.track(track(t.record, [], overlapLane: 0))) }
        }
        let orphansByTrack = Dictionary(grouping: view.orphanClips, by: \.track)
        for missing in orphansByTrack.keys.sorted() {
            let clips = orphansByTrack[missing]!.sorted { ($0.start, $0.id) < ($1.start, $1.id) }
            let audio = clips.allSatisfy { c in view.assets.first { $0.id == c.asset }?.kind == .audio }
            let record = TrackRecord(id: missing, kind: audio ? .audio : .video, name: "Orphaned clips of \(missing)", order: "")
            for (i, lane) in Self.lanes(clips).enumerated() {
                var tr = track(record, lane, overlapLane: i)
                tr.metadata["editbay"] = .object(["missingTrack": .string(missing)])
                children.append(.track(tr))
            }
        }
        let markers = view.markers.map { m in
            let upper = m.color.uppercased()
            return OTIOMarker(
                name: m.label,
                markedRange: TimeRange(start: m.time, duration: m.duration, rate: rate),
                color: Self.otioColors.contains(upper) ? upper : "RED",
                metadata: ["editbay": .object(["id": .string(m.id), "color": .string(m.color)])]
            )
        }
        return OTIOTimeline(
            name: view.meta.name,
            globalStartTime: RationalTime(value: 0, rate: rate.doubleValue),
            tracks: OTIOStack(children: children, markers: markers),
            metadata: meta
        )
    }

    /// Assets no clip uses: kept in the timeline's metadata so an import restores them.
    var unusedAssets: [AssetRecord] {
        let used = Set((view.tracks.flatMap(\.clips) + view.orphanClips).map(\.asset))
        return view.assets.filter { !used.contains($0.id) }
    }

    /// Splits clips (sorted by start) into lanes without overlaps: lane 0 keeps every clip it can.
    static func lanes(_ clips: [ClipRecord]) -> [[ClipRecord]] {
        var lanes: [[ClipRecord]] = []
        for c in clips {
            if let i = lanes.firstIndex(where: { ($0.last?.end ?? .zero) <= c.start }) {
                lanes[i].append(c)
            } else {
                lanes.append([c])
            }
        }
        return lanes
    }

    func track(_ t: TrackRecord, _ clips: [ClipRecord], overlapLane: Int) -> OTIOTrack {
        var children: [OTIOComposable] = []
        var cursor = Flicks.zero
        for c in clips {
            if c.start > cursor { children.append(.gap(OTIOGap(duration: c.start - cursor, rate: rate))) }
            if let tr = c.transitionIn {
                let type = tr.kind == "dissolve" ? "SMPTE_Dissolve" : "Custom"
                children.append(
                    .transition(
                        OTIOTransition(
                            name: tr.kind,
                            transitionType: type,
                            inOffset: RationalTime(tr.inOffset, rate: rate),
                            outOffset: RationalTime(tr.duration - tr.inOffset, rate: rate),
                            metadata: ["editbay": .object(["kind": .string(tr.kind)])]
                        )
                    )
                )
                if let name = c.metadata["otio"]?.objectValue?["transitionName"]?.stringValue, case .transition(var t) = children.removeLast() {
                    t.name = name
                    children.append(.transition(t))
                }
            }
            children.append(.clip(clip(c)))
            cursor = c.end
        }
        var metadata = t.metadata
        var editbay: JSONObject = [
            "id": .string(t.id), "order": .string(t.order), "muted": .bool(t.muted), "hidden": .bool(t.hidden), "locked": .bool(t.locked),
        ]
        if overlapLane > 0 { editbay["overlapOf"] = .string(t.id) }
        metadata["editbay"] = .object(editbay)
        return OTIOTrack(
            name: overlapLane > 0 ? "\(t.name) (overlap \(overlapLane))" : t.name,
            kind: t.kind == .video ? "Video" : "Audio",
            children: children,
            enabled: t.kind == .video ? !t.hidden : !t.muted,
            metadata: metadata
        )
    }

    func clip(_ c: ClipRecord) -> OTIOClip {
        let asset = view.assets.first { $0.id == c.asset }
        let assetStart = asset?.start ?? .zero
        var metadata = c.metadata
        metadata["editbay"] = .object([
            "id": .string(c.id), "asset": .string(c.asset), "gain": .double(c.gain), "opacity": .double(c.opacity), "speed": .double(c.speed),
        ])
        var effects: [JSONValue] = []
        var enabled = true
        // What an import kept under "otio" goes back to its OTIO place.
        if var otio = metadata["otio"]?.objectValue {
            effects = otio.removeValue(forKey: "effects")?.arrayValue ?? []
            enabled = otio.removeValue(forKey: "enabled")?.boolValue ?? true
            otio["transitionName"] = nil
            metadata["otio"] = otio.isEmpty ? nil : .object(otio)
        }
        if c.speed != 1 {
            effects.append(
                .object([
                    "OTIO_SCHEMA": .string("LinearTimeWarp.1"), "name": .string("speed"), "effect_name": .string("LinearTimeWarp"),
                    "time_scalar": .double(c.speed), "metadata": .object([:]),
                ])
            )
        }
        return OTIOClip(
            name: c.name,
            sourceRange: TimeRange(start: assetStart + c.inPoint, duration: c.duration, rate: rate),
            mediaReference: reference(asset),
            effects: effects,
            enabled: enabled,
            metadata: metadata
        )
    }

    func reference(_ a: AssetRecord?) -> OTIOMediaReference {
        guard let a else { return OTIOMediaReference(kind: .missing) }
        let available = a.duration.map { TimeRange(start: a.start, duration: $0, rate: a.rate ?? rate) }
        let meta: JSONObject = ["editbay": .object(["id": .string(a.id), "asset": JSONValue(encoding: a) ?? .null])]
        if a.origin["type"]?.stringValue == "generator" {
            return OTIOMediaReference(
                kind: .generator(kind: a.origin["kind"]?.stringValue ?? a.kind.rawValue, parameters: a.origin["parameters"]?.objectValue ?? [:]),
                name: a.name,
                availableRange: available,
                metadata: meta
            )
        }
        if a.origin["type"]?.stringValue == "otio", let schema = a.origin["schema"]?.stringValue, let fields = a.origin["fields"]?.objectValue {
            return OTIOMediaReference(kind: .unknown(schema: schema, fields: fields))
        }
        if a.status == .missing || a.uri.isEmpty {
            return OTIOMediaReference(kind: .missing, name: a.name, availableRange: available, metadata: meta)
        }
        return OTIOMediaReference(kind: .external(targetURL: a.uri), name: a.name, availableRange: available, metadata: meta)
    }
}

extension TimelineView {
    /// This view as an OpenTimelineIO timeline (see docs/timeline-schema.md for the mapping).
    public func otioTimeline() -> OTIOTimeline { OTIOExporter(view: self).export() }
}
