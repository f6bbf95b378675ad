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

/// Removes a marker.
public struct RemoveMarker: Sendable, Hashable {
    /// The marker.
    public var marker: String

    /// Creates the operation.
    public init(marker: String) { self.marker = marker }
}
