import CRDT

extension OperationPlanner {
    /// Tracks in display order (bottom first).
    var orderedTracks: [TrackRecord] { state.tracks.values.sorted { ($0.order, $0.id) < ($1.order, $1.id) } }

    /// An order key for a track placed after `after` / before `before` (or on top), ignoring `moving`.
    /// Renumbers every track when the neighbours' keys leave no room (equal or invalid keys).
    mutating func orderKey(after: String?, before: String?, moving: String?) throws(TimelineError) -> String {
        if let after { _ = try track(after, field: "after") }
        if let before { _ = try track(before, field: "before") }
        let others = orderedTracks.filter { $0.id != moving }
        let index: Int
        if let after {
            guard let i = others.firstIndex(where: { $0.id == after }) else {
                throw TimelineError.invalidField.with("cannot place a track after itself", field: "after")
            }
            index = i + 1
            if let before, others.firstIndex(where: { $0.id == before }) != index {
                throw TimelineError.invalidField.with("\(before) is not just above \(after)", field: "before")
            }
        } else if let before {
            guard let i = others.firstIndex(where: { $0.id == before }) else {
                throw TimelineError.invalidField.with("cannot place a track before itself", field: "before")
            }
            index = i
        } else {
            index = others.count
        }
        let lower = index > 0 ? others[index - 1].order : nil
        let upper = index < others.count ? others[index].order : nil
        if let key = FractionalIndex.between(lower, upper) { return key }
        // No room: give every other track a fresh key, leaving a slot at `index`.
        let keys = FractionalIndex.sequence(count: others.count + 1)
        for (i, t) in others.enumerated() {
            let k = keys[i < index ? i : i + 1]
            if t.order != k { emit(.set(.tracks, id: t.id, key: "order", value: .string(k))) }
        }
        return keys[index]
    }

    mutating func addTrack(_ o: AddTrack) throws(TimelineError) -> OperationResult {
        let id = try newID(o.id, in: .tracks)
        try checkText(o.name, field: "name")
        let order = try orderKey(after: o.after, before: o.before, moving: nil)
        let count = state.tracks.values.filter { $0.kind == o.kind }.count
        let name = o.name ?? "\(o.kind == .video ? "V" : "A")\(count + 1)"
        let record = TrackRecord(id: id, kind: o.kind, name: name, order: order)
        emit(.create(.tracks, id: id, fields: record.fields))
        return OperationResult(op: "addTrack", created: [id])
    }

    mutating func updateTrack(_ o: UpdateTrack) throws(TimelineError) -> OperationResult {
        let old = try track(o.track)
        if o.name != nil || o.muted != nil || o.hidden != nil {
            // Only the lock itself may change on a locked track (unlocking it first).
            if old.locked && o.locked != false { try checkUnlocked(old) }
        }
        try checkText(o.name, field: "name")
        var new = old
        if let v = o.name { new.name = v }
        if let v = o.muted { new.muted = v }
        if let v = o.hidden { new.hidden = v }
        if let v = o.locked { new.locked = v }
        emitChanges(.tracks, id: old.id, old: old.fields, new: new.fields)
        return OperationResult(op: "updateTrack")
    }

    mutating func moveTrack(_ o: MoveTrack) throws(TimelineError) -> OperationResult {
        let old = try track(o.track)
        let key = try orderKey(after: o.after, before: o.before, moving: old.id)
        emit(.set(.tracks, id: old.id, key: "order", value: .string(key)))
        return OperationResult(op: "moveTrack")
    }

    mutating func removeTrack(_ o: RemoveTrack) throws(TimelineError) -> OperationResult {
        let t = try track(o.track)
        try checkUnlocked(t)
        for c in clips(on: t.id) { emit(.remove(.clips, id: c.id)) }
        emit(.remove(.tracks, id: t.id))
        return OperationResult(op: "removeTrack")
    }
}
