import Foundation
import Timeline

/// What a `fill.gap` job makes, worked out from the timeline when the job starts: the gap's exact range,
/// its track's kind, the clips on either side and the project's picture and sound settings.
public struct GapFillPlan: Sendable, Hashable, Codable {
    public var track: String
    public var trackKind: TrackKind
    /// The range to fill.
    public var start: Flicks
    public var end: Flicks
    /// The whole gap the range lies in, as it was when planned (it must be unchanged to land).
    public var gapStart: Flicks
    public var gapEnd: Flicks
    /// The clip that ends where the gap starts, and its asset.
    public var before: Neighbour?
    /// The clip that starts where the gap ends, and its asset.
    public var after: Neighbour?
    public var width: Int64
    public var height: Int64
    public var rate: FrameRate
    public var sampleRate: Int64

    /// A clip beside the gap and the media time of its frame next to the gap.
    public struct Neighbour: Sendable, Hashable, Codable {
        public var clip: String
        public var asset: String
        /// The asset's blob key or URL.
        public var uri: String
        /// Seconds into the asset's media of the frame touching the gap (the last shown frame before it,
        /// or the first one after it).
        public var mediaTime: Double
    }

    public var duration: Flicks { end - start }

    /// Plans the fill of the gap on `track` that contains `time`, or that is exactly `[start, end)`.
    /// - Throws: ``FillGapError`` when the track is missing, locked, or there is no bounded gap there.
    public init(view: TimelineView, track trackID: String, time: Flicks?, start: Flicks?, end: Flicks?) throws(FillGapError) {
        guard let track = view.track(trackID) else { throw FillGapError(.trackNotFound, "no track \(trackID)") }
        guard !track.record.locked else { throw FillGapError(.trackLocked, "track \(trackID) is locked") }
        let gap: Gap
        let whole: Gap
        if let start, let end {
            guard end > start else { throw FillGapError(.invalidRange, "end must be after start") }
            guard let found = track.gap(containing: start), found.start <= start, found.end.map({ $0 >= end }) ?? true else {
                throw FillGapError(.noGap, "[\(start.seconds) s, \(end.seconds) s) on track \(trackID) is not empty")
            }
            whole = found
            gap = Gap(
                track: trackID, start: start, end: end,
                before: found.start == start ? found.before : nil, after: found.end == end ? found.after : nil
            )
        } else if let time {
            guard let found = track.gap(containing: time) else { throw FillGapError(.noGap, "a clip covers \(time.seconds) s on track \(trackID)") }
            guard found.end != nil else {
                throw FillGapError(.unboundedGap, "\(time.seconds) s is after the last clip of track \(trackID): give start and end to fill open space")
            }
            gap = found
            whole = found
        } else {
            throw FillGapError(.invalidRange, "give `time` (a point inside the gap) or `start` and `end`")
        }
        guard let gapEnd = gap.end else { throw FillGapError(.unboundedGap, "the gap has no end") }
        self.gapStart = whole.start
        self.gapEnd = whole.end ?? Flicks(Flicks.maxExact)
        self.track = trackID
        self.trackKind = track.record.kind
        self.start = gap.start
        self.end = gapEnd
        self.width = view.meta.width
        self.height = view.meta.height
        self.rate = view.meta.rate
        self.sampleRate = view.meta.sampleRate
        let frame = view.meta.rate.flicksPerFrame.map { Double($0) / Double(Flicks.perSecond) } ?? (1.0 / view.meta.rate.doubleValue)
        self.before = gap.before.flatMap { id in
            guard let clip = view.clip(id), let asset = view.assets.first(where: { $0.id == clip.asset }) else { return nil }
            // The last frame shown: the clip's media end minus one frame.
            let mediaEnd = (clip.inPoint.seconds - asset.start.seconds) + clip.duration.seconds * clip.speed
            return Neighbour(clip: id, asset: asset.id, uri: asset.uri, mediaTime: max(0, mediaEnd - frame))
        }
        self.after = gap.after.flatMap { id in
            guard let clip = view.clip(id), let asset = view.assets.first(where: { $0.id == clip.asset }) else { return nil }
            return Neighbour(clip: id, asset: asset.id, uri: asset.uri, mediaTime: max(0, clip.inPoint.seconds - asset.start.seconds))
        }
    }

    /// True when the timeline still has exactly this gap (nothing placed in it, neither edge moved).
    public func isStillOpen(in view: TimelineView) -> Bool {
        guard let track = view.track(track), let gap = track.gap(containing: start) else { return false }
        return gap.start == gapStart && (gap.end ?? Flicks(Flicks.maxExact)) == gapEnd
    }
}

/// Why a gap cannot be filled.
public struct FillGapError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case trackNotFound = "TRACK_NOT_FOUND"
        case trackLocked = "TRACK_LOCKED"
        case noGap = "NO_GAP"
        case unboundedGap = "UNBOUNDED_GAP"
        case invalidRange = "INVALID_RANGE"
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
