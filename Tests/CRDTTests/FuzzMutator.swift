import CRDT
import Foundation

/// Deterministic input generator for the CI fuzz tests: mutations of real inputs (from the Yjs
/// vectors) and purely random byte strings, from a seeded RNG so every failure is reproducible.
///
/// The number of inputs per decoder is `CRDT_FUZZ_ITERATIONS` (default 100 000).
struct FuzzMutator {
    static var iterations: Int {
        ProcessInfo.processInfo.environment["CRDT_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 100_000
    }

    private(set) var rng: SeededRNG
    let corpus: [[UInt8]]

    init(seed: UInt64, corpus: [[UInt8]]) {
        rng = SeededRNG(seed: seed)
        self.corpus = corpus.isEmpty ? [[0]] : corpus
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }

    private static let interesting: [UInt8] = [0x00, 0x01, 0x02, 0x07, 0x08, 0x0A, 0x3F, 0x40, 0x41, 0x74, 0x75, 0x76, 0x77, 0x7A, 0x7D, 0x7E, 0x7F, 0x80, 0x81, 0xC0, 0xFF]

    /// The next input: one in eight is random bytes, the rest are 1–4 stacked mutations of a corpus entry.
    mutating func next() -> [UInt8] {
        if int(0...7) == 0 {
            return (0..<int(0...48)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        }
        var input = corpus[int(0...(corpus.count - 1))]
        for _ in 0..<int(1...4) { mutate(&input) }
        return input
    }

    private mutating func mutate(_ input: inout [UInt8]) {
        if input.isEmpty {
            input.append(UInt8.random(in: 0...255, using: &rng))
            return
        }
        let i = int(0...(input.count - 1))
        switch int(0...9) {
        case 0: input[i] ^= UInt8(1) << UInt8(int(0...7))
        case 1: input[i] = UInt8.random(in: 0...255, using: &rng)
        case 2: input[i] = Self.interesting[int(0...(Self.interesting.count - 1))]
        case 3: input.insert(Self.interesting[int(0...(Self.interesting.count - 1))], at: i)
        case 4: input.removeSubrange(i..<min(input.count, i + int(1...8)))
        case 5: input.removeSubrange(int(0...input.count)...)  // truncate (possibly to nothing)
        case 6:
            // Duplicate a slice in place.
            let end = min(input.count, i + int(1...16))
            input.insert(contentsOf: input[i..<end], at: int(0...input.count))
        case 7:
            // A huge varint (lengths, counts, clocks): 2^53 − 1 or beyond.
            let big: [UInt8] = int(0...1) == 0 ? [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F] : [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]
            input.replaceSubrange(i..<min(input.count, i + 1), with: big)
        case 8:
            // Splice with another corpus entry.
            let other = corpus[int(0...(corpus.count - 1))]
            guard !other.isEmpty else { return }
            let j = int(0...(other.count - 1))
            input = Array(input[..<i]) + Array(other[j...])
        default:
            // Small arithmetic on a byte (off-by-one lengths).
            input[i] = input[i] &+ UInt8(int(0...1) == 0 ? 1 : 255)
        }
    }
}

/// Inputs taken from the Yjs vectors for the fuzz corpus.
enum FuzzCorpus {
    /// Every v1 update in the vectors (full states, client updates, incremental updates, merges, diffs).
    static func updates() throws -> [[UInt8]] {
        try collectHex { key in
            key.hasSuffix("update_hex") || key.hasSuffix("updates_hex") || key == "merged_all_hex" || key.hasPrefix("diff_from_") || key == "hex"
        }
    }

    /// Every state vector in the vectors.
    static func stateVectors() throws -> [[UInt8]] {
        try collectHex { $0.contains("state_vector_hex") }
    }

    /// Snapshots (a delete set followed by a state vector).
    static func snapshots() throws -> [[UInt8]] {
        try collectHex { $0.hasPrefix("snapshot_") }
    }

    /// lib0 `any` encodings of assorted values (every tag, nesting, edge numbers).
    static func anyValues() -> [[UInt8]] {
        let values: [YAny] = [
            .undefined, .null, .integer(0), .integer(-1), .integer(2_147_483_647), .integer(1 << 40), .float64(0.1), .float64(1.5),
            .float64(-0.0), .float64(.infinity), .float64(.nan), .bigint(-9_007_199_254_740_993), .bool(true), .bool(false),
            .string(""), .string("Hi 😀 世界"), .bytes([1, 2, 255]), .array([1, "x", .array([]), .null]),
            ["k": 1, "nested": ["a": [true, false], "b": .bytes([])], "": .undefined],
        ]
        return values.map { v in
            var e = Lib0Encoder()
            e.writeAny(v)
            return e.bytes
        }
    }

    /// y-websocket frames (sync, awareness, auth, query awareness).
    static func frames() throws -> [[UInt8]] {
        try collectHex { $0 == "frame_hex" }
    }

    /// Awareness update payloads.
    static func awarenessUpdates() throws -> [[UInt8]] {
        try collectHex { $0 == "update_hex" || $0 == "payload_hex" }.filter { (try? AwarenessUpdate.decode($0)) != nil }
    }

    /// Hex strings anywhere in the vector files whose key matches.
    static func collectHex(where matches: (String) -> Bool) throws -> [[UInt8]] {
        var found: [[UInt8]] = []
        func walk(_ value: YAny, key: String) {
            switch value {
            case .string(let s) where matches(key) && s.count % 2 == 0 && s.allSatisfy(\.isHexDigit):
                found.append(InteropHex.decode(s))
            case .array(let a):
                for v in a { walk(v, key: key) }
            case .object(let o):
                for (k, v) in o { walk(v, key: k) }
            default:
                break
            }
        }
        for name in try InteropVectors.fileNames() {
            walk(.object(try InteropVectors.load(name)), key: "")
        }
        return found
    }
}
