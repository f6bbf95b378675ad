extension OperationPlanner {
    mutating func updateProject(_ o: UpdateProject) throws(TimelineError) -> OperationResult {
        let old = try state.projectMeta()
        try checkText(o.name, field: "name")
        var new = old
        if let v = o.name { new.name = v }
        for (value, field) in [(o.width, "width"), (o.height, "height"), (o.sampleRate, "sampleRate")] {
            if let v = value, !(1...1_000_000).contains(v) { throw TimelineError.invalidValue.with("\(field) is 1…1000000", field: field) }
        }
        if let v = o.width { new.width = v }
        if let v = o.height { new.height = v }
        if let v = o.sampleRate { new.sampleRate = v }
        if let v = o.rate { new.rate = v }
        let a = old.fields
        let b = new.fields
        for key in b.keys.sorted() where a[key]?.normalized != b[key]?.normalized { emit(.setMeta(key: key, value: b[key]!)) }
        return OperationResult(op: "updateProject")
    }

    mutating func addAsset(_ o: AddAsset) throws(TimelineError) -> OperationResult {
        var a = o.asset
        a.id = try newID(a.id.isEmpty ? nil : a.id, in: .assets)
        try checkText(a.name, field: "name")
        try checkText(a.uri, field: "uri")
        if let d = a.duration { try checkDuration(d) }
        try checkTime(a.start, field: "start")
        emit(.create(.assets, id: a.id, fields: a.fields))
        return OperationResult(op: "addAsset", created: [a.id])
    }

    mutating func updateAsset(_ o: UpdateAsset) throws(TimelineError) -> OperationResult {
        let old = try asset(o.asset)
        try checkText(o.name, field: "name")
        try checkText(o.uri, field: "uri")
        var new = old
        if let v = o.name { new.name = v }
        if let v = o.uri { new.uri = v }
        if let v = o.duration {
            try checkDuration(v)
            new.duration = v
        }
        if let v = o.width { new.width = v }
        if let v = o.height { new.height = v }
        if let v = o.rate { new.rate = v }
        if let v = o.hasAudio { new.hasAudio = v }
        if let v = o.status { new.status = v }
        for c in state.clips.values.sorted(by: { $0.id < $1.id }) where c.asset == old.id {
            try checkMedia(c, new)
            if let t = state.tracks[c.track] {
                do throws(TimelineError) { try checkKind(new, on: t) } catch {
                    throw TimelineError.assetInUse.with("clip \(c.id) needs its audio", field: "hasAudio")
                }
            }
        }
        emitChanges(.assets, id: old.id, old: old.fields, new: new.fields)
        return OperationResult(op: "updateAsset")
    }

    mutating func removeAsset(_ o: RemoveAsset) throws(TimelineError) -> OperationResult {
        let a = try asset(o.asset)
        if let user = state.clips.values.filter({ $0.asset == a.id }).map(\.id).min() {
            throw TimelineError.assetInUse.with("clip \(user) uses asset \(a.id)", field: "asset")
        }
        emit(.remove(.assets, id: a.id))
        return OperationResult(op: "removeAsset")
    }

    mutating func addMarker(_ o: AddMarker) throws(TimelineError) -> OperationResult {
        let id = try newID(o.id, in: .markers)
        try checkTime(o.time, field: "time")
        try checkTime(o.duration, field: "duration")
        try checkText(o.label, field: "label")
        try checkText(o.color, field: "color")
        let m = MarkerRecord(id: id, time: o.time, duration: o.duration, label: o.label, color: o.color)
        emit(.create(.markers, id: id, fields: m.fields))
        return OperationResult(op: "addMarker", created: [id])
    }

    mutating func moveMarker(_ o: MoveMarker) throws(TimelineError) -> OperationResult {
        let old = try marker(o.marker)
        try checkTime(o.time, field: "time")
        var new = old
        new.time = o.time
        emitChanges(.markers, id: old.id, old: old.fields, new: new.fields)
        return OperationResult(op: "moveMarker")
    }

    mutating func updateMarker(_ o: UpdateMarker) throws(TimelineError) -> OperationResult {
        let old = try marker(o.marker)
        try checkText(o.label, field: "label")
        try checkText(o.color, field: "color")
        var new = old
        if let v = o.label { new.label = v }
        if let v = o.color { new.color = v }
        if let v = o.duration {
            try checkTime(v, field: "duration")
            new.duration = v
        }
        emitChanges(.markers, id: old.id, old: old.fields, new: new.fields)
        return OperationResult(op: "updateMarker")
    }

    mutating func removeMarker(_ o: RemoveMarker) throws(TimelineError) -> OperationResult {
        let m = try marker(o.marker)
        emit(.remove(.markers, id: m.id))
        return OperationResult(op: "removeMarker")
    }
}
