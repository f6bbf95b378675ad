/// The identity of one unit of content: the client that created it and that client's clock at the time.
///
/// Client ids are in `0...2^53 − 1` (Yjs picks random 32-bit values, yrs 53-bit ones).
public struct ID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The creating client.
    public var client: UInt64
    /// The client's clock for this unit.
    public var clock: UInt64

    /// Creates an ID.
    public init(client: UInt64, clock: UInt64) {
        self.client = client
        self.clock = clock
    }

    public static func < (lhs: ID, rhs: ID) -> Bool {
        lhs.client != rhs.client ? lhs.client < rhs.client : lhs.clock < rhs.clock
    }

    public var description: String { "(\(client),\(clock))" }
}
