/// Where an asset stands.
public enum AssetStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Usable.
    case ready
    /// Being uploaded or generated.
    case pending
    /// Upload or generation failed.
    case failed
    /// Offline: the media is unknown (OTIO `MissingReference`).
    case missing
}
