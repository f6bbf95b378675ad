/// The kind of a track.
public enum TrackKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Pictures: video, image and text assets.
    case video
    /// Sound: audio assets, and video assets that have audio.
    case audio
}
