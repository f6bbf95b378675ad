/// Removes a track and every clip on it.
public struct RemoveTrack: Sendable, Hashable {
    /// The track.
    public var track: String

    /// Creates the operation.
    public init(track: String) { self.track = track }
}
