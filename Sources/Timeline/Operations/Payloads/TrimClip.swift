/// Trims a clip. `start` moves the head edge: the end stays put and `in` moves by the same
/// amount (times speed), unless `duration`/`in` are given too. `duration` alone moves the tail.
public struct TrimClip: Sendable, Hashable {
    /// The clip.
    public var clip: String
    /// New start (head edge).
    public var start: Flicks?
    /// New duration (tail edge).
    public var duration: Flicks?
    /// New offset into the asset.
    public var inPoint: Flicks?

    /// Creates the operation.
    public init(clip: String, start: Flicks? = nil, duration: Flicks? = nil, inPoint: Flicks? = nil) {
        self.clip = clip
        self.start = start
        self.duration = duration
        self.inPoint = inPoint
    }
}
