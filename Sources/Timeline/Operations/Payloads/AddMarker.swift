/// Adds a marker.
public struct AddMarker: Sendable, Hashable {
    /// The new id (the server makes one if nil).
    public var id: String?
    /// Its time.
    public var time: Flicks
    /// Its length (default 0: an instant).
    public var duration: Flicks
    /// The label.
    public var label: String
    /// A colour name (default `red`).
    public var color: String

    /// Creates the operation.
    public init(id: String? = nil, time: Flicks, duration: Flicks = .zero, label: String = "", color: String = "red") {
        self.id = id
        self.time = time
        self.duration = duration
        self.label = label
        self.color = color
    }
}
