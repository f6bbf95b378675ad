import Timeline

/// One track cut into pieces (clips and, if asked, gaps) in whole output units (frames or
/// samples), with the handles that transitions need. Pure; shared by video and audio.
struct TrackLayout {
    /// A clip or a gap between two cuts.
    struct Piece {
        enum Content {
            case clip(ClipRecord)
            case gap
        }

        var content: Content
        /// The cut where it starts on the timeline.
        var start: Int64
        /// Units between its cuts.
        var length: Int64
        /// Units of its head hidden by an overlapping earlier clip (a conflict), skipped in the media.
        var skipped: Int64 = 0
        /// Handle before `start` used by its own incoming transition (the transition's in-offset).
        var headHandle: Int64 = 0
        /// Handle after its end used by the next piece's transition (the part after that cut).
        var tailHandle: Int64 = 0
        /// Length of the transition from the previous piece (0 = a cut).
        var transition: Int64 = 0
        /// The transition's kind (`dissolve`, or an xfade transition name).
        var transitionKind = "dissolve"
        /// A fade in from nothing (no adjacent piece before), units after the cut.
        var fadeIn: Int64 = 0

        /// Units this piece's stream must have: its length plus both handles.
        var streamLength: Int64 { length + headHandle + tailHandle }
        var end: Int64 { start + length }
    }

    /// Pieces joined by transitions; each group becomes one stream.
    struct Group {
        var pieces: [Piece]
        /// Where the group's stream starts on the timeline.
        var start: Int64 { pieces[0].start - pieces[0].headHandle }
        /// The group's stream length: the pieces' streams overlapped by their transitions.
        var length: Int64 { pieces.reduce(0) { $0 + $1.streamLength - $1.transition } }
    }

    var groups: [Group]

    /// Lays out `clips` (ordered by start).
    /// - Parameters:
    ///   - units: converts a timeline time to whole units (nearest).
    ///   - total: with `gaps`, the track is filled with a gap up to here.
    ///   - gaps: true to make gap pieces (a track that is a full-length stream), false to leave holes.
    init(clips: [ClipRecord], units: (Flicks) -> Int64, total: Int64, gaps: Bool) {
        var pieces: [Piece] = []
        var cursor: Int64 = 0
        for c in clips {
            var s = units(c.start)
            let e = units(c.end)
            guard e > cursor, e > s else { continue }
            var skipped: Int64 = 0
            if s < cursor {
                skipped = cursor - s
                s = cursor
            }
            if s > cursor && gaps { pieces.append(Piece(content: .gap, start: cursor, length: s - cursor)) }
            var p = Piece(content: .clip(c), start: s, length: e - s, skipped: skipped)
            if let t = c.transitionIn, skipped == 0 {
                let d = max(0, units(t.duration))
                var before = min(max(0, units(t.inOffset)), d)
                p.transitionKind = t.kind
                if d > 0, let prev = pieces.last, prev.end == s {
                    before = min(before, prev.length - (prev.transition - prev.headHandle))
                    let after = min(d - before, p.length)
                    if before + after > 0 {
                        p.transition = before + after
                        p.headHandle = before
                        pieces[pieces.count - 1].tailHandle = after
                    }
                } else if d - before > 0 {
                    p.fadeIn = min(d - before, p.length)
                }
            }
            pieces.append(p)
            cursor = e
        }
        if gaps && cursor < total { pieces.append(Piece(content: .gap, start: cursor, length: total - cursor)) }

        var groups: [Group] = []
        for p in pieces {
            if p.transition > 0, !groups.isEmpty {
                groups[groups.count - 1].pieces.append(p)
            } else {
                groups.append(Group(pieces: [p]))
            }
        }
        self.groups = groups
    }
}
