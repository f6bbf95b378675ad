/// A secret string (API key, webhook secret) that never prints: `description`, `debugDescription` and
/// reflection (`dump`, `String(reflecting:)`) all show `[redacted]`. Read ``value`` only to send it.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The secret itself.
    public let value: String

    /// Wraps a secret.
    public init(_ value: String) { self.value = value }

    public var description: String { "[redacted]" }
    public var debugDescription: String { "[redacted]" }
    public var customMirror: Mirror { Mirror(self, children: []) }
}
