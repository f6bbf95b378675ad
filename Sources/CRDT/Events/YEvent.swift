/// What one transaction changed in one shared type.
public struct YEvent {
    /// How a map key changed.
    public enum KeyAction: Hashable, Sendable {
        case add, update, delete
    }

    /// A changed map key: the action and the previous value (for update and delete).
    public struct KeyChange {
        public let action: KeyAction
        public let oldValue: YAny?
    }

    /// An element of a path from an observed type down to a changed type.
    public enum PathElement: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    /// The changed type.
    public let target: YType
    /// The path from the observed type (for deep observers) or empty.
    public internal(set) var path: [PathElement]
    /// Changed map keys (maps, XML attributes).
    public let keys: [String: KeyChange]
    /// Sequence changes (arrays, texts, XML children): retain/insert/delete runs.
    public let delta: [YDelta]
    /// The origin of the transaction.
    public let origin: AnyHashable?
    /// Whether the transaction was local (not from `applyUpdate`).
    public let isLocal: Bool
}
