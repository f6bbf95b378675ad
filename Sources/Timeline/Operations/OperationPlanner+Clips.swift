extension OperationPlanner {
    /// Validates a clip in its (possibly new) place: track exists and is unlocked, asset exists
    /// and fits the track, media inside the asset, no overlap.
    func checkPlacement(_ c: ClipRecord, ignoring: Set<String> = []) throws(TimelineError) {
        let t = try track(c.track)
        try checkUnlocked(t)
        let a = try asset(c.asset)
        try checkKind(a, on: t)
        try checkMedia(c, a)
        try checkNoOverlap(c, ignoring: ignoring)
    }

    /// The clip, whose current track must be unlocked to edit it.
    func editableClip(_ id: String) throws(TimelineError) -> ClipRecord {
        let c = try clip(id)
        if let t = state.tracks[c.track] { try checkUnlocked(t) }
        return c
    }

    /// `delta` timeline flicks of the clip's media at its speed.
    func mediaOffset(_ delta: Flicks, speed: Double) -> Flicks {
        if speed == 1 { return delta }
        let v = (Double(delta.value) * speed).rounded(.toNearestOrAwayFromZero)
        return Flicks(Int64(min(max(v, -Double(Flicks.maxExact)), Double(Flicks.maxExact))))
    }

    mutating func addClip(_ o: AddClip) throws(TimelineError) -> OperationResult {
        let id = try newID(o.id, in: .clips)
        try checkText(o.name, field: "name")
        let a = try asset(o.asset)
        try checkTime(o.inPoint, field: "in")
        guard let duration = o.duration ?? a.duration.map({ $0 - o.inPoint }) else {
            throw TimelineError.missingField.with("asset \(a.id) has no duration: give one", field: "duration")
        }
        let c = ClipRecord(id: id, track: o.track, asset: a.id, start: o.start, duration: duration, inPoint: o.inPoint, name: o.name ?? a.name)
        try checkPlacement(c)
        emit(.create(.clips, id: id, fields: c.fields))
        return OperationResult(op: "addClip", created: [id])
    }

    mutating func moveClip(_ o: MoveClip) throws(TimelineError) -> OperationResult {
        guard o.track != nil || o.start != nil else { throw TimelineError.missingField.with("give track and/or start", field: "start") }
        let old = try editableClip(o.clip)
        var new = old
        if let t = o.track { new.track = t }
        if let s = o.start { new.start = s }
        try checkPlacement(new)
        emitChanges(.clips, id: old.id, old: old.fields, new: new.fields)
        return OperationResult(op: "moveClip")
    }

    mutating func trimClip(_ o: TrimClip) throws(TimelineError) -> OperationResult {
        guard o.start != nil || o.duration != nil || o.inPoint != nil else {
            throw TimelineError.missingField.with("give start, duration and/or in", field: "start")
        }
        let old = try editableClip(o.clip)
        var new = old
        if let s = o.start {
            try checkTime(s, field: "start")
            let delta = s - old.start
            new.start = s
            new.duration = old.duration - delta
            new.inPoint = old.inPoint + mediaOffset(delta, speed: old.speed)
        }
        if let d = o.duration { new.duration = d }
        if let i = o.inPoint { new.inPoint = i }
        if new.inPoint < .zero { throw TimelineError.outsideAsset.with("the head would start before the asset's first frame", field: "start") }
        try checkPlacement(new)
        emitChanges(.clips, id: old.id, old: old.fields, new: new.fields)
        return OperationResult(op: "trimClip")
    }

    mutating func slipClip(_ o: SlipClip) throws(TimelineError) -> OperationResult {
        let old = try editableClip(o.clip)
        var new = old
        new.inPoint = o.inPoint
        try checkPlacement(new)
        emitChanges(.clips, id: old.id, old: old.fields, new: new.fields)
        return OperationResult(op: "slipClip")
    }

    mutating func splitClip(_ o: SplitClip) throws(TimelineError) -> OperationResult {
        let old = try editableClip(o.clip)
        guard o.at > old.start, o.at < old.end else {
            throw TimelineError.splitOutsideClip.with("\(o.at) is not inside clip \(old.id)", field: "at")
        }
        let rightID = try newID(o.newID, in: .clips, field: "newId")
        var left = old
        left.duration = o.at - old.start
        var right = old
        right.id = rightID
        right.start = o.at
        right.duration = old.end - o.at
        right.inPoint = old.inPoint + mediaOffset(left.duration, speed: old.speed)
        right.transitionIn = nil
        emitChanges(.clips, id: old.id, old: old.fields, new: left.fields)
        try checkPlacement(right, ignoring: [old.id])
        emit(.create(.clips, id: rightID, fields: right.fields))
        return OperationResult(op: "splitClip", created: [rightID])
    }

    mutating func removeClip(_ o: RemoveClip) throws(TimelineError) -> OperationResult {
        let c = try editableClip(o.clip)
        emit(.remove(.clips, id: c.id))
        return OperationResult(op: "removeClip")
    }

    mutating func rippleDelete(_ o: RippleDelete) throws(TimelineError) -> OperationResult {
        let trackID: String
        let start: Flicks
        let length: Flicks
        switch o.target {
        case .clip(let id):
            let c = try editableClip(id)
            trackID = c.track
            start = c.start
            length = c.duration
            _ = try track(trackID)
            emit(.remove(.clips, id: c.id))
        case .range(let t, let s, let d):
            let tr = try track(t)
            try checkUnlocked(tr)
            try checkTime(s, field: "start")
            try checkDuration(d)
            if let hit = clips(on: t).first(where: { $0.start < s + d && s < $0.end }) {
                throw TimelineError.rangeNotEmpty.with("clip \(hit.id) is inside the range", field: "start")
            }
            trackID = t
            start = s
            length = d
        }
        let end = start + length
        let moving = clips(on: trackID).filter { $0.start >= end }
        let movingIDs = Set(moving.map(\.id))
        var moved: [ClipRecord] = []
        for c in moving {
            var n = c
            n.start = c.start - length
            moved.append(n)
        }
        for n in moved {
            for other in clips(on: trackID) where !movingIDs.contains(other.id) && other.start < n.end && n.start < other.end {
                throw TimelineError.overlap.with("clip \(n.id) would overlap clip \(other.id)")
            }
        }
        for (old, new) in zip(moving, moved) { emitChanges(.clips, id: old.id, old: old.fields, new: new.fields) }
        return OperationResult(op: "rippleDelete")
    }

    mutating func setClip(_ o: SetClip) throws(TimelineError) -> OperationResult {
        let old = try editableClip(o.clip)
        var new = old
        try checkText(o.name, field: "name")
        if let g = o.gain {
            guard g.isFinite, (0...16).contains(g) else { throw TimelineError.invalidValue.with("gain is 0…16", field: "gain") }
            new.gain = g
        }
        if let v = o.opacity {
            guard v.isFinite, (0...1).contains(v) else { throw TimelineError.invalidValue.with("opacity is 0…1", field: "opacity") }
            new.opacity = v
        }
        if let s = o.speed {
            guard s.isFinite, (0.01...100).contains(s) else { throw TimelineError.invalidValue.with("speed is 0.01…100", field: "speed") }
            new.speed = s
        }
        if o.removeTransitionIn { new.transitionIn = nil }
        if let t = o.transitionIn {
            try checkText(t.kind, field: "transitionIn.kind")
            guard !t.kind.isEmpty else { throw TimelineError.invalidValue.with("transition kind is empty", field: "transitionIn.kind") }
            try checkDuration(t.duration, field: "transitionIn.duration")
            guard t.duration <= new.duration else {
                throw TimelineError.invalidValue.with("transition longer than the clip", field: "transitionIn.duration")
            }
            guard t.inOffset >= .zero, t.inOffset <= t.duration else {
                throw TimelineError.invalidValue.with("inOffset is 0…duration", field: "transitionIn.inOffset")
            }
            new.transitionIn = t
        }
        if let n = o.name { new.name = n }
        try checkPlacement(new)
        emitChanges(.clips, id: old.id, old: old.fields, new: new.fields)
        return OperationResult(op: "setClip")
    }
}
