/// The kind of media an asset holds.
public enum AssetKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Moving pictures (maybe with sound).
    case video
    /// Sound only.
    case audio
    /// A still image (no duration limit).
    case image
    /// Text, for titles (no duration limit).
    case text

    /// True if an asset of this kind may be placed on a track of `track` kind.
    func fits(_ track: TrackKind, hasAudio: Bool) -> Bool {
        switch (self, track) {
        case (.video, .video), (.image, .video), (.text, .video), (.audio, .audio): true
        case (.video, .audio): hasAudio
        default: false
        }
    }
}
