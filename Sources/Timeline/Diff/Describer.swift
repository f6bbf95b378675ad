/// Classifies changes and writes their summaries for ``TimelineDiff``.
struct Describer {
    let rate: FrameRate
    let old: TimelineState
    let new: TimelineState

    func tc(_ v: JSONValue?) -> String {
        guard let i = v?.int64Value else { return "?" }
        return (try? Flicks(i).timecode(at: rate).description) ?? "\(i)f"
    }

    func trackName(_ id: String?) -> String {
        guard let id else { return "?" }
        return new.tracks[id]?.name ?? old.tracks[id]?.name ?? id
    }

    func field(_ f: [TimelineDiff.FieldChange], _ name: String) -> TimelineDiff.FieldChange? { f.first { $0.field == name } }

    func label(_ name: String?, _ id: String) -> String {
        if let name, !name.isEmpty { return "“\(name)” (\(id))" }
        return id
    }

    func track(_ id: String, _ kind: TimelineDiff.ChangeKind, _ f: [TimelineDiff.FieldChange]) -> (TimelineDiff.ChangeKind, String) {
        let name = label(new.tracks[id]?.name ?? old.tracks[id]?.name, id)
        switch kind {
        case .added: return (kind, "Track \(name) added")
        case .removed: return (kind, "Track \(name) removed")
        default:
            let keys = Set(f.map(\.field))
            if keys == ["order"] { return (.reordered, "Track \(name) reordered") }
            if keys == ["name"] {
                return (
                    .renamed,
                    "Track \(id) renamed from “\(field(f, "name")?.old?.stringValue ?? "")” to “\(field(f, "name")?.new?.stringValue ?? "")”"
                )
            }
            return (.changed, "Track \(name) changed: \(f.map(\.field).joined(separator: ", "))")
        }
    }

    func asset(_ id: String, _ kind: TimelineDiff.ChangeKind, _ f: [TimelineDiff.FieldChange]) -> (TimelineDiff.ChangeKind, String) {
        let name = label(new.assets[id]?.name ?? old.assets[id]?.name, id)
        switch kind {
        case .added: return (kind, "Asset \(name) added")
        case .removed: return (kind, "Asset \(name) removed")
        default:
            if Set(f.map(\.field)) == ["name"] { return (.renamed, "Asset \(id) renamed to “\(field(f, "name")?.new?.stringValue ?? "")”") }
            return (.changed, "Asset \(name) changed: \(f.map(\.field).joined(separator: ", "))")
        }
    }

    func clip(_ id: String, _ kind: TimelineDiff.ChangeKind, _ f: [TimelineDiff.FieldChange]) -> (TimelineDiff.ChangeKind, String) {
        let a = old.clips[id]
        let b = new.clips[id]
        let name = label(b?.name ?? a?.name, id)
        switch kind {
        case .added:
            return (kind, "Clip \(name) added on \(trackName(b?.track)) at \(tc(b.map { .integer($0.start.value) }))")
        case .removed:
            return (kind, "Clip \(name) removed from \(trackName(a?.track)) at \(tc(a.map { .integer($0.start.value) }))")
        default:
            let keys = Set(f.map(\.field))
            var parts: [String] = []
            var result: TimelineDiff.ChangeKind = .changed
            if keys.contains("duration") || keys.contains("in") {
                result = .trimmed
                let from = tc(field(f, "start")?.new ?? a.map { .integer($0.start.value) })
                parts.append("trimmed to \(from)–\(tc(b.map { .integer($0.end.value) }))")
            } else if keys.contains("start") || keys.contains("track") {
                result = .moved
                var s = "moved"
                if let t = field(f, "track") { s += " from \(trackName(t.old?.stringValue)) to \(trackName(t.new?.stringValue))" }
                if let st = field(f, "start") { s += " from \(tc(st.old)) to \(tc(st.new))" }
                parts.append(s)
            }
            let other = keys.subtracting(["start", "track", "duration", "in"]).sorted()
            if result == .changed, other == ["name"] {
                return (.renamed, "Clip \(id) renamed to “\(field(f, "name")?.new?.stringValue ?? "")”")
            }
            if !other.isEmpty { parts.append("changed \(other.joined(separator: ", "))") }
            return (result, "Clip \(name) " + parts.joined(separator: "; "))
        }
    }

    func marker(_ id: String, _ kind: TimelineDiff.ChangeKind, _ f: [TimelineDiff.FieldChange]) -> (TimelineDiff.ChangeKind, String) {
        let name = label(new.markers[id]?.label ?? old.markers[id]?.label, id)
        switch kind {
        case .added: return (kind, "Marker \(name) added at \(tc(new.markers[id].map { .integer($0.time.value) }))")
        case .removed: return (kind, "Marker \(name) removed")
        default:
            if let t = field(f, "time"), f.count == 1 { return (.moved, "Marker \(name) moved from \(tc(t.old)) to \(tc(t.new))") }
            return (.changed, "Marker \(name) changed: \(f.map(\.field).joined(separator: ", "))")
        }
    }
}
