/// A stored entry the reader could not understand (for example written by a buggy client).
/// It is reported as an ``Conflict/Kind/invalidEntry`` conflict, never dropped silently.
public struct EntryProblem: Error, Sendable, Hashable, Codable {
    /// Which map the entry is in.
    public var collection: EntityCollection
    /// Its id.
    public var id: String
    /// What is wrong.
    public var reason: String
}
