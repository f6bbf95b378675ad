/// A track in the resolved view with its clips, ordered by `(start, id)`.
public struct TrackView: Sendable, Hashable {
    /// The stored track.
    public var record: TrackRecord
    /// Its clips by start (ties by id), overlapping ones included.
    public var clips: [ClipRecord]

    /// The track's id.
    public var id: String { record.id }
    /// The end of its last clip (zero if empty).
    public var end: Flicks { clips.map(\.end).max() ?? .zero }

    /// The empty ranges before and between clips, each with its neighbours.
    public var gaps: [Gap] {
        var out: [Gap] = []
        var cursor = Flicks.zero
        var last: String?
        for c in clips {
            if c.start > cursor {
                out.append(Gap(track: id, start: cursor, end: c.start, before: last, after: c.id))
            }
            if c.end >= cursor {
                cursor = c.end
                last = c.id
            }
        }
        return out
    }

    /// The gap containing `time`: a bounded gap, the open space after the last clip, or nil if
    /// a clip covers `time` (or `time` is negative).
    public func gap(containing time: Flicks) -> Gap? {
        guard time >= .zero else { return nil }
        if let g = gaps.first(where: { $0.contains(time) }) { return g }
        let e = end
        guard time >= e else { return nil }
        let last = clips.filter { $0.end == e }.map(\.id).max()
        return Gap(track: id, start: e, end: nil, before: last, after: nil)
    }
}
