/// Moves a marker to another time.
public struct MoveMarker: Sendable, Hashable {
    /// The marker.
    public var marker: String
    /// The new time.
    public var time: Flicks

    /// Creates the operation.
    public init(marker: String, time: Flicks) {
        self.marker = marker
        self.time = time
    }
}
