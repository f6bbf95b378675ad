/// Slips a clip: shows another part of its media without moving or resizing it.
public struct SlipClip: Sendable, Hashable {
    /// The clip.
    public var clip: String
    /// New offset into the asset.
    public var inPoint: Flicks

    /// Creates the operation.
    public init(clip: String, inPoint: Flicks) {
        self.clip = clip
        self.inPoint = inPoint
    }
}
