/// The awareness state of one peer and of every remote peer it has heard of, with the exact
/// semantics of y-protocols' `Awareness` (spec §9.4), as a value type.
///
/// Time is passed in (milliseconds, any epoch: only differences matter), so tests and servers
/// control it. A y-websocket peer calls ``checkTimeouts(now:)`` every few seconds
/// (Yjs: every `outdatedTimeout / 10` ms) and broadcasts the update it returns.
///
/// ```swift
/// var awareness = Awareness(clientID: doc.clientID, now: nowMillis)
/// let change = awareness.setLocalState(["user": ["name": "Ada"]], now: nowMillis)
/// send(.awareness(awareness.encodeUpdate(clients: change.all)))
/// ```
public struct Awareness: Sendable {
    /// What Yjs keeps per client: the last clock seen and when the entry was last updated.
    public struct Meta: Sendable, Hashable {
        /// The client's last known awareness clock.
        public var clock: UInt64
        /// When the entry was last applied or renewed (milliseconds).
        public var lastUpdated: UInt64

        /// Creates a meta entry.
        public init(clock: UInt64, lastUpdated: UInt64) {
            self.clock = clock
            self.lastUpdated = lastUpdated
        }
    }

    /// Which clients an operation added, updated or removed (Yjs' `update` event), and which of the
    /// updated ones really changed content (Yjs' `change` event reports `added`, `changed`, `removed`).
    public struct Changes: Sendable, Hashable {
        /// Clients that got a state for the first time.
        public var added: [UInt64] = []
        /// Clients whose state was set again (renewals included).
        public var updated: [UInt64] = []
        /// The subset of ``updated`` whose state differs from the previous one.
        public var changed: [UInt64] = []
        /// Clients whose state was removed.
        public var removed: [UInt64] = []

        /// Creates an empty change set.
        public init() {}

        /// True if nothing was added, updated or removed (Yjs emits no `update` event then).
        public var isEmpty: Bool { added.isEmpty && updated.isEmpty && removed.isEmpty }
        /// True if Yjs would emit a `change` event (something added, changed or removed).
        public var hasContentChange: Bool { !added.isEmpty || !changed.isEmpty || !removed.isEmpty }
        /// `added + updated + removed`: the clients whose entries should be broadcast.
        public var all: [UInt64] { added + updated + removed }
    }

    /// y-protocols' `outdatedTimeout`: remote states not updated for this long are removed (30 s).
    public static let defaultOutdatedTimeout: UInt64 = 30_000

    /// This peer's client id.
    public let clientID: UInt64
    /// Remote states older than this (milliseconds) are removed by ``checkTimeouts(now:)``.
    public let outdatedTimeout: UInt64
    /// The known states by client id (this peer's own included while it has one).
    public private(set) var states: [UInt64: YAny] = [:]
    /// Clock and last update time by client id; kept after a state is removed.
    public private(set) var meta: [UInt64: Meta] = [:]

    /// Creates an awareness whose local state is `{}` at clock 0, as Yjs does.
    ///
    /// - Parameters:
    ///   - clientID: this peer's id (its document's client id).
    ///   - now: the current time in milliseconds.
    ///   - outdatedTimeout: how long a remote state lives without renewal (default 30 000 ms).
    public init(clientID: UInt64, now: UInt64, outdatedTimeout: UInt64 = Awareness.defaultOutdatedTimeout) {
        self.clientID = clientID
        self.outdatedTimeout = outdatedTimeout
        setLocalState(.object(YObject()), now: now)
    }

    /// This peer's state, or nil after it was set to nil.
    public var localState: YAny? { states[clientID] }

    /// Sets this peer's state (nil, `.null` or `.undefined` = gone) and bumps its clock. Returns what changed; broadcast
    /// ``encodeUpdate(clients:)`` of ``Changes/all``.
    @discardableResult
    public mutating func setLocalState(_ state: YAny?, now: UInt64) -> Changes {
        let state = state.flatMap(\.awarenessState)
        let clock = meta[clientID].map { Self.next($0.clock) } ?? 0
        let previous = states[clientID]
        if let state { states[clientID] = state } else { states[clientID] = nil }
        meta[clientID] = Meta(clock: clock, lastUpdated: now)
        var changes = Changes()
        if state == nil {
            changes.removed.append(clientID)
        } else if let previous {
            changes.updated.append(clientID)
            if let state, !previous.jsonEquals(state) { changes.changed.append(clientID) }
        } else {
            changes.added.append(clientID)
        }
        return changes
    }

    /// Sets one field of this peer's state object (no-op without a local state), like Yjs' `setLocalStateField`.
    @discardableResult
    public mutating func setLocalStateField(_ field: String, _ value: YAny, now: UInt64) -> Changes {
        guard let current = localState else { return Changes() }
        var object = current.objectValue ?? YObject()
        object[field] = value
        return setLocalState(.object(object), now: now)
    }

    /// Applies a received update. An entry wins if its clock is newer than the known one, or if it
    /// has the same clock and a null state (a removal) for a client that still has a state. A remote
    /// removal of this peer's own state is refused: the state stays and the clock moves one above the
    /// received one, so that the next broadcast overrides the removal.
    @discardableResult
    public mutating func apply(_ update: AwarenessUpdate, now: UInt64) -> Changes {
        var changes = Changes()
        for entry in update.entries {
            let id = entry.clientID
            var clock = entry.clock
            let knownMeta = meta[id]
            let previous = states[id]
            let known = knownMeta?.clock ?? 0
            guard known < clock || (known == clock && entry.state == nil && previous != nil) else { continue }
            if let state = entry.state {
                states[id] = state
            } else if id == clientID && localState != nil {
                clock = Self.next(clock)
            } else {
                states[id] = nil
            }
            meta[id] = Meta(clock: clock, lastUpdated: now)
            if knownMeta == nil, entry.state != nil {
                changes.added.append(id)
            } else if knownMeta != nil, entry.state == nil {
                changes.removed.append(id)
            } else if let state = entry.state {
                // Yjs compares with the previous state even if it was removed (then it differs).
                if previous.map({ !$0.jsonEquals(state) }) ?? true { changes.changed.append(id) }
                changes.updated.append(id)
            }
        }
        return changes
    }

    /// Decodes and applies an encoded update; a malformed update changes nothing.
    ///
    /// - Throws: ``CRDTError`` if `bytes` is not a valid awareness update.
    @discardableResult
    public mutating func apply(encoded bytes: [UInt8], now: UInt64) throws(CRDTError) -> Changes {
        apply(try AwarenessUpdate.decode(bytes), now: now)
    }

    /// Removes the states of `clients` (e.g. those a closed connection controlled). Removing this
    /// peer's own state bumps its clock. Only clients that had a state are reported.
    @discardableResult
    public mutating func removeStates(_ clients: [UInt64], now: UInt64) -> Changes {
        var changes = Changes()
        for id in clients where states[id] != nil {
            states[id] = nil
            if id == clientID, let m = meta[id] {
                meta[id] = Meta(clock: Self.next(m.clock), lastUpdated: now)
            }
            changes.removed.append(id)
        }
        return changes
    }

    /// One run of Yjs' periodic check: renews this peer's state if it is at least half the timeout
    /// old (clock + 1), then removes remote states not updated for ``outdatedTimeout``.
    /// Returns both change sets; broadcast the entries of each non-empty one.
    public mutating func checkTimeouts(now: UInt64) -> (renewed: Changes, removed: Changes) {
        var renewed = Changes()
        if let local = localState, let m = meta[clientID], outdatedTimeout / 2 <= now &- m.lastUpdated, now >= m.lastUpdated {
            renewed = setLocalState(local, now: now)
        }
        var outdated: [UInt64] = []
        for (id, m) in meta where id != clientID && states[id] != nil && now >= m.lastUpdated && outdatedTimeout <= now - m.lastUpdated {
            outdated.append(id)
        }
        outdated.sort()
        return (renewed, removeStates(outdated, now: now))
    }

    /// `clock + 1`, saturating (decoded clocks are at most 2^53 − 1, but entries built in code may not be).
    private static func next(_ clock: UInt64) -> UInt64 { clock == .max ? .max : clock + 1 }

    /// Encodes the entries of `clients` with their current clocks (a missing state is written as
    /// `null`). Clients this awareness has never heard of are left out.
    public func encodeUpdate(clients: [UInt64]) -> AwarenessUpdate {
        AwarenessUpdate(entries: clients.compactMap { id in
            guard let m = meta[id] else { return nil }
            return AwarenessUpdate.Entry(clientID: id, clock: m.clock, state: states[id])
        })
    }

    /// Encodes every known state (the reply to a query-awareness message, and what a server sends
    /// to a new connection).
    public func encodeAllStates() -> AwarenessUpdate {
        encodeUpdate(clients: states.keys.sorted())
    }
}
