/// The resolved, read-only view of a project: what an editor shows and what renders and exports use.
///
/// Built from a ``TimelineState`` with fixed rules, so every replica with the same state gets an
/// identical view: tracks by `(order, id)` (bottom first), clips by `(start, id)`, assets by id,
/// markers by `(time, id)`, conflicts in ``Conflict`` order.
public struct TimelineView: Sendable, Hashable {
    /// The project settings.
    public var meta: ProjectMeta
    /// Tracks, bottom layer first.
    public var tracks: [TrackView]
    /// Clips whose track does not exist, by id (each also has a ``Conflict/Kind/missingTrack`` conflict).
    public var orphanClips: [ClipRecord]
    /// Assets by id.
    public var assets: [AssetRecord]
    /// Markers by time.
    public var markers: [MarkerRecord]
    /// Every conflict, deterministically ordered.
    public var conflicts: [Conflict]
    /// The end of the last clip on any track.
    public var duration: Flicks

    /// Resolves a state.
    /// - Throws: ``TimelineError/notAProject`` or ``TimelineError/unsupportedSchema``.
    public init(state: TimelineState) throws(TimelineError) {
        meta = try state.projectMeta()
        let byTrack = Dictionary(grouping: state.clips.values, by: \.track)
        tracks = state.tracks.values.sorted { ($0.order, $0.id) < ($1.order, $1.id) }.map { t in
            TrackView(record: t, clips: (byTrack[t.id] ?? []).sorted { ($0.start, $0.id) < ($1.start, $1.id) })
        }
        orphanClips = state.clips.values.filter { state.tracks[$0.track] == nil }.sorted { $0.id < $1.id }
        assets = state.assets.values.sorted { $0.id < $1.id }
        markers = state.markers.values.sorted { ($0.time, $0.id) < ($1.time, $1.id) }
        duration = tracks.map(\.end).max() ?? .zero

        var conflicts: [Conflict] = []
        for t in tracks {
            let clips = t.clips
            for i in clips.indices {
                var j = i + 1
                while j < clips.count, clips[j].start < clips[i].end {
                    conflicts.append(
                        Conflict(
                            kind: .overlap,
                            ids: [clips[i].id, clips[j].id],
                            track: t.id,
                            start: clips[j].start,
                            end: min(clips[i].end, clips[j].end),
                            message: "clips \(clips[i].id) and \(clips[j].id) overlap on track \(t.id)"
                        )
                    )
                    j += 1
                }
            }
        }
        for c in orphanClips {
            conflicts.append(Conflict(kind: .missingTrack, ids: [c.id], track: c.track, message: "clip \(c.id) is on deleted track \(c.track)"))
        }
        for c in state.clips.values where state.assets[c.asset] == nil {
            conflicts.append(Conflict(kind: .missingAsset, ids: [c.id], track: c.track, message: "clip \(c.id) uses deleted asset \(c.asset)"))
        }
        for p in state.problems.values {
            conflicts.append(Conflict(kind: .invalidEntry, ids: [p.id], message: "\(p.collection.rawValue) entry \(p.id): \(p.reason)"))
        }
        self.conflicts = conflicts.sorted(by: Conflict.precedes)
    }

    /// The gaps of every track, tracks in order.
    public var gaps: [Gap] { tracks.flatMap(\.gaps) }

    /// The track with this id.
    public func track(_ id: String) -> TrackView? { tracks.first { $0.id == id } }

    /// The clip with this id (on a track or orphaned).
    public func clip(_ id: String) -> ClipRecord? {
        for t in tracks { if let c = t.clips.first(where: { $0.id == id }) { return c } }
        return orphanClips.first { $0.id == id }
    }

    /// The gap containing `time` on track `track` (see ``TrackView/gap(containing:)``).
    public func gap(containing time: Flicks, onTrack track: String) -> Gap? { self.track(track)?.gap(containing: time) }
}
