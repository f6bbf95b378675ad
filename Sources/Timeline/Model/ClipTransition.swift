import CRDT

/// A transition into a clip from what precedes it on the track.
///
/// It covers `[clip.start − inOffset, clip.start − inOffset + duration)`; like OTIO's
/// transitions it changes no clip's length (its offsets are handles).
public struct ClipTransition: Sendable, Hashable, Codable {
    /// `dissolve` (OTIO `SMPTE_Dissolve`) or any other name (OTIO `Custom`).
    public var kind: String
    /// Total length in flicks.
    public var duration: Flicks
    /// How much of it lies before the cut (OTIO `in_offset`); defaults to half the duration.
    public var inOffset: Flicks

    /// Creates a transition; `inOffset` defaults to `duration / 2`.
    public init(kind: String, duration: Flicks, inOffset: Flicks? = nil) {
        self.kind = kind
        self.duration = duration
        self.inOffset = inOffset ?? Flicks(duration.value / 2)
    }

    init?(yAny: YAny?) {
        guard let o = yAny?.objectValue, let d = o["duration"]?.flicksValue else { return nil }
        self.init(kind: o["kind"]?.stringValue ?? "dissolve", duration: d, inOffset: o["inOffset"]?.flicksValue)
    }

    var yAny: YAny {
        .object(YObject([("kind", .string(kind)), ("duration", YAny(duration)), ("inOffset", YAny(inOffset))]))
    }
}
