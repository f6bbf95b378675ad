/// An awareness update: the payload of a y-protocols awareness message (spec §9.4).
///
/// ```
/// awarenessUpdate := varUint n • ( varUint clientID • varUint clock • varString(JSON.stringify(state)) ){n}
/// ```
/// A `null` state (``Entry/state`` is nil) means "this client is gone". An empty state string is
/// read as `null` too, as pycrdt does.
public struct AwarenessUpdate: Sendable, Hashable {
    /// One client's entry.
    public struct Entry: Sendable, Hashable {
        /// The client's id (its document's client id).
        public var clientID: UInt64
        /// The client's awareness clock; it goes up by one on every change of its state.
        public var clock: UInt64
        /// The client's state (a JSON value, usually an object), or nil for a removal.
        public var state: YAny?

        /// Creates an entry. A `.null` or `.undefined` state is a removal, like nil.
        public init(clientID: UInt64, clock: UInt64, state: YAny?) {
            self.clientID = clientID
            self.clock = clock
            self.state = state.flatMap(\.awarenessState)
        }

        /// The state as the JSON text written on the wire (`null` for a removal).
        public var stateJSON: String {
            switch state {
            case nil, .undefined?: return "null"
            case let value?: return value.jsonString
            }
        }

        /// Two entries are equal when ids and clocks are and states are equal as JSON values.
        public static func == (lhs: Entry, rhs: Entry) -> Bool {
            guard lhs.clientID == rhs.clientID, lhs.clock == rhs.clock else { return false }
            switch (lhs.state, rhs.state) {
            case (nil, nil): return true
            case (let a?, let b?): return a.jsonEquals(b)
            default: return false
            }
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(clientID)
            hasher.combine(clock)
            hasher.combine(state == nil)
        }
    }

    /// The entries, in wire order.
    public var entries: [Entry]

    /// Creates an update from entries.
    public init(entries: [Entry]) {
        self.entries = entries
    }

    /// Encodes the update (without the awareness message framing).
    public func encode() -> [UInt8] {
        var encoder = Lib0Encoder(capacity: 16 + entries.count * 32)
        encoder.writeVarUInt(UInt64(entries.count))
        for entry in entries {
            encoder.writeVarUInt(entry.clientID)
            encoder.writeVarUInt(entry.clock)
            encoder.writeVarString(entry.stateJSON)
        }
        return encoder.bytes
    }

    /// Decodes an update; the whole input must be one update.
    ///
    /// - Throws: ``CRDTError`` for truncated input, a client id or clock above 2^53 − 1, state text
    ///   that is not JSON, or trailing bytes.
    public static func decode(_ bytes: [UInt8]) throws(CRDTError) -> AwarenessUpdate {
        var decoder = Lib0Decoder(bytes)
        let n = try decoder.readVarUInt()
        // Each entry takes at least three bytes (id, clock, empty string).
        guard n <= UInt64(decoder.remaining / 3) else { throw CRDTError.lengthTooLarge }
        var entries: [Entry] = []
        entries.reserveCapacity(Int(n))
        for _ in 0..<n {
            let clientID = try decoder.readVarUInt()
            let clock = try decoder.readVarUInt()
            let text = try decoder.readVarString()
            let value: YAny = text.isEmpty ? .null : try YAny(jsonString: text)
            entries.append(Entry(clientID: clientID, clock: clock, state: value))
        }
        guard decoder.isAtEnd else { throw CRDTError.badMessage("trailing bytes after the awareness update") }
        return AwarenessUpdate(entries: entries)
    }
}

extension YAny {
    /// The value as an awareness state: nil for `null` and `undefined` (both mean "gone").
    ///
    /// `YAny` is `ExpressibleByNilLiteral`, so a `nil` literal where a `YAny` is expected is
    /// `.null`; awareness treats it as a removal either way.
    var awarenessState: YAny? {
        switch self {
        case .null, .undefined: return nil
        default: return self
        }
    }
}
