import CRDT

/// One timeline marker as stored in `markers` (id → map).
public struct MarkerRecord: Sendable, Hashable, Codable {
    /// The marker's id.
    public var id: String
    /// Its time on the timeline.
    public var time: Flicks
    /// Its length (0 marks an instant).
    public var duration: Flicks
    /// The label.
    public var label: String
    /// A colour name, lower case (`red`, `green`, … as in OTIO).
    public var color: String

    /// Creates a marker record.
    public init(id: String, time: Flicks, duration: Flicks = .zero, label: String = "", color: String = "red") {
        self.id = id
        self.time = time
        self.duration = duration
        self.label = label
        self.color = color
    }

    static func parse(id: String, _ o: YObject) -> Result<MarkerRecord, EntryProblem> {
        guard let time = o["time"]?.flicksValue else {
            return .failure(EntryProblem(collection: .markers, id: id, reason: "time is missing or not an integer"))
        }
        return .success(
            MarkerRecord(
                id: id,
                time: time,
                duration: o["duration"]?.flicksValue ?? .zero,
                label: o["label"]?.stringValue ?? "",
                color: o["color"]?.stringValue ?? "red"
            )
        )
    }

    var fields: [String: YAny] {
        ["time": YAny(time), "duration": YAny(duration), "label": .string(label), "color": .string(color)]
    }
}
