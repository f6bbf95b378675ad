/// Changes a marker's label, colour or length.
public struct UpdateMarker: Sendable, Hashable {
    /// The marker.
    public var marker: String
    /// New label.
    public var label: String?
    /// New colour.
    public var color: String?
    /// New length.
    public var duration: Flicks?

    /// Creates the operation.
    public init(marker: String, label: String? = nil, color: String? = nil, duration: Flicks? = nil) {
        self.marker = marker
        self.label = label
        self.color = color
        self.duration = duration
    }
}
