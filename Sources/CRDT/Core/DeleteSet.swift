/// A set of deleted ID ranges, grouped by client: what a peer knows to be deleted.
///
/// Encoded (v1) as `varUint numClients • (varUint client • varUint numRanges • (varUint clock • varUint len)…)…`.
public struct DeleteSet: Hashable, Sendable, CustomStringConvertible {
    /// A run of `length` deleted clock values starting at `clock`.
    public struct Range: Hashable, Sendable {
        public var clock: UInt64
        public var length: UInt64
        public init(clock: UInt64, length: UInt64) {
            self.clock = clock
            self.length = length
        }
        /// One past the last clock value.
        public var end: UInt64 { clock &+ length }
    }

    /// client → ranges. After ``sortAndMerge()`` the ranges are sorted, disjoint and non-touching.
    public private(set) var clients: [UInt64: [Range]]

    /// Creates an empty delete set.
    public init() { clients = [:] }

    /// True if no range is recorded.
    public var isEmpty: Bool { clients.isEmpty }

    /// Adds a range (not merged until ``sortAndMerge()``; a range touching the previous one extends it).
    public mutating func add(client: UInt64, clock: UInt64, length: UInt64) {
        guard length > 0 else { return }
        if let i = clients.index(forKey: client) {
            // Mutate in place (no copy of the client's array).
            let n = clients.values[i].count
            if n > 0 && clients.values[i][n - 1].end == clock {
                clients.values[i][n - 1].length &+= length
            } else {
                clients.values[i].append(Range(clock: clock, length: length))
            }
        } else {
            clients[client] = [Range(clock: clock, length: length)]
        }
    }

    /// Removes every range (keeping the storage for reuse).
    public mutating func removeAll() {
        if !clients.isEmpty { clients.removeAll(keepingCapacity: true) }
    }

    /// Sorts each client's ranges and joins overlapping or touching ones.
    public mutating func sortAndMerge() {
        for (client, list) in clients {
            clients[client] = Self.sortedMerged(list)
        }
    }

    static func sortedMerged(_ list: [Range]) -> [Range] {
        guard list.count > 1 else { return list }
        var sorted = list
        var isSorted = true
        for i in 1..<sorted.count where sorted[i - 1].clock > sorted[i].clock {
            isSorted = false
            break
        }
        if !isSorted { sorted.sort { $0.clock < $1.clock } }
        var out: [Range] = []
        out.reserveCapacity(sorted.count)
        for r in sorted {
            if let last = out.last, last.end >= r.clock {
                out[out.count - 1].length = max(last.end, r.end) - last.clock
            } else {
                out.append(r)
            }
        }
        return out
    }

    /// Returns the union of two delete sets (sorted and merged).
    public func union(_ other: DeleteSet) -> DeleteSet {
        var out = self
        for (client, list) in other.clients { out.clients[client, default: []].append(contentsOf: list) }
        out.sortAndMerge()
        return out
    }

    /// True if `id` lies in a range. Requires a sorted delete set (binary search).
    public func contains(_ id: ID) -> Bool {
        guard let list = clients[id.client] else { return false }
        var lo = 0
        var hi = list.count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            let r = list[mid]
            if id.clock < r.clock {
                hi = mid - 1
            } else if id.clock >= r.end {
                lo = mid + 1
            } else {
                return true
            }
        }
        return false
    }

    /// Decodes a v1 delete set.
    public init(encoded bytes: [UInt8]) throws(CRDTError) {
        var d = Lib0Decoder(bytes)
        self = try DeleteSet(from: &d)
    }

    /// Reads a v1 delete set from a decoder. Ranges are kept as read (call ``sortAndMerge()`` to normalise).
    public init(from d: inout Lib0Decoder) throws(CRDTError) {
        clients = [:]
        let n = try d.readVarUInt()
        guard n <= UInt64(d.remaining / 2) else { throw .lengthTooLarge }
        for _ in 0..<n {
            let client = try d.readVarUInt()
            let count = try d.readVarUInt()
            guard count <= UInt64(d.remaining / 2) else { throw .lengthTooLarge }
            var list = clients[client] ?? []
            list.reserveCapacity(list.count + Int(count))
            for _ in 0..<count {
                let clock = try d.readVarUInt()
                let len = try d.readVarUInt()
                if len > 0 { list.append(Range(clock: clock, length: len)) }
            }
            if !list.isEmpty { clients[client] = list }
        }
    }

    /// The v1 encoding (clients descending, ranges as stored).
    public var encoded: [UInt8] {
        var e = Lib0Encoder()
        write(to: &e)
        return e.bytes
    }

    /// Writes the v1 encoding.
    public func write(to e: inout Lib0Encoder) {
        e.writeVarUInt(UInt64(clients.count))
        for client in clients.keys.sorted(by: >) {
            let list = clients[client] ?? []
            e.writeVarUInt(client)
            e.writeVarUInt(UInt64(list.count))
            for r in list {
                e.writeVarUInt(r.clock)
                e.writeVarUInt(r.length)
            }
        }
    }

    public var description: String {
        clients.keys.sorted().map { c in "\(c): " + (clients[c] ?? []).map { "[\($0.clock),+\($0.length))" }.joined(separator: " ") }
            .joined(separator: "; ")
    }
}
