/// For each client, the next clock value expected from it (= the number of clock values seen).
///
/// Encoded as `varUint n • (varUint client • varUint clock){n}`; clients are written in descending order
/// (as Yjs does) and read in any order.
public struct StateVector: Hashable, Sendable, CustomStringConvertible {
    /// client → next expected clock. Clients with clock 0 are normally absent.
    public var clocks: [UInt64: UInt64]

    /// Creates a state vector.
    public init(_ clocks: [UInt64: UInt64] = [:]) {
        self.clocks = clocks
    }

    /// The clock for `client` (0 when absent).
    public subscript(client: UInt64) -> UInt64 {
        get { clocks[client] ?? 0 }
        set { clocks[client] = newValue }
    }

    /// True if no client is recorded.
    public var isEmpty: Bool { clocks.isEmpty }

    /// Decodes a v1 (or v2: same bytes) encoded state vector.
    /// - Throws: ``CRDTError`` on truncated or malformed input.
    public init(encoded bytes: [UInt8]) throws(CRDTError) {
        var d = Lib0Decoder(bytes)
        self = try StateVector(from: &d)
    }

    /// Reads a state vector from a decoder.
    public init(from d: inout Lib0Decoder) throws(CRDTError) {
        let n = try d.readVarUInt()
        guard n <= UInt64(d.remaining / 2) else { throw .lengthTooLarge }
        var c: [UInt64: UInt64] = [:]
        c.reserveCapacity(Int(n))
        for _ in 0..<n {
            let client = try d.readVarUInt()
            let clock = try d.readVarUInt()
            c[client] = clock
        }
        clocks = c
    }

    /// The encoded form (clients in descending order).
    public var encoded: [UInt8] {
        var e = Lib0Encoder()
        write(to: &e)
        return e.bytes
    }

    /// Writes the encoded form.
    public func write(to e: inout Lib0Encoder) {
        e.writeVarUInt(UInt64(clocks.count))
        for client in clocks.keys.sorted(by: >) {
            e.writeVarUInt(client)
            e.writeVarUInt(clocks[client] ?? 0)
        }
    }

    /// True if every clock of `other` is ≤ the clock here.
    public func covers(_ other: StateVector) -> Bool {
        other.clocks.allSatisfy { self[$0.key] >= $0.value }
    }

    public var description: String {
        "{" + clocks.keys.sorted().map { "\($0): \(clocks[$0]!)" }.joined(separator: ", ") + "}"
    }
}
