/// The root maps of a project document.
public enum EntityCollection: String, Sendable, Hashable, Codable, CaseIterable {
    /// `tracks`.
    case tracks
    /// `clips`.
    case clips
    /// `assets`.
    case assets
    /// `markers`.
    case markers
}
