/// Removes a marker.
public struct RemoveMarker: Sendable, Hashable {
    /// The marker.
    public var marker: String

    /// Creates the operation.
    public init(marker: String) { self.marker = marker }
}
