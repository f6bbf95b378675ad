/// lib0's column coders used by update format v2 (spec §8): run-length and diff encodings of
/// the struct fields, each stored in its own byte array.
enum UpdateV2Columns {
    /// `RleDecoder` of bytes: value, then `count − 1` when the run ends; the last run repeats forever.
    struct ByteRleDecoder {
        var d: Lib0Decoder
        var value: UInt8 = 0
        var count = 0  // -1 = forever

        init(_ bytes: [UInt8]) { d = Lib0Decoder(bytes) }

        mutating func read() throws(CRDTError) -> UInt8 {
            if count == 0 {
                value = try d.readUInt8()
                if !d.isAtEnd {
                    let n = try d.readVarUInt()
                    guard n < UInt64(Int.max) else { throw .integerOutOfRange }
                    count = Int(n) + 1
                } else {
                    count = -1
                }
            }
            if count > 0 { count -= 1 }
            return value
        }
    }

    /// `UintOptRleDecoder`: a single value as varInt; a run as negative varInt then `count − 2`.
    struct UintOptRleDecoder {
        var d: Lib0Decoder
        var value: UInt64 = 0
        var count = 0

        init(_ bytes: [UInt8]) { d = Lib0Decoder(bytes) }

        mutating func read() throws(CRDTError) -> UInt64 {
            if count == 0 {
                let (m, negative) = try d.readVarIntWithSign()
                value = m
                count = 1
                if negative {
                    let n = try d.readVarUInt()
                    guard n < UInt64(Int.max - 2) else { throw .integerOutOfRange }
                    count = Int(n) + 2
                }
            }
            count -= 1
            return value
        }
    }

    /// `IntDiffOptRleDecoder`: differences from the previous value, low bit = "a count follows".
    struct IntDiffOptRleDecoder {
        var d: Lib0Decoder
        var value: Int64 = 0
        var diff: Int64 = 0
        var count = 0

        init(_ bytes: [UInt8]) { d = Lib0Decoder(bytes) }

        mutating func read() throws(CRDTError) -> UInt64 {
            if count == 0 {
                let (m, negative) = try d.readVarIntWithSign()
                let v = negative ? -Int64(m) : Int64(m)
                let hasCount = m & 1 == 1
                diff = v >> 1  // floor division by 2
                count = 1
                if hasCount {
                    let n = try d.readVarUInt()
                    guard n < UInt64(Int.max - 2) else { throw .integerOutOfRange }
                    count = Int(n) + 2
                }
            }
            let (sum, overflow) = value.addingReportingOverflow(diff)
            guard !overflow, sum >= 0, UInt64(sum) <= Lib0Decoder.maxSafeInteger else { throw .integerOutOfRange }
            value = sum
            count -= 1
            return UInt64(value)
        }
    }

    /// The string column: all strings joined, then their UTF-16 lengths (UintOptRle).
    struct StringDecoder {
        var units: [UInt16]
        var pos = 0
        var lengths: UintOptRleDecoder

        init(_ bytes: [UInt8]) throws(CRDTError) {
            var d = Lib0Decoder(bytes)
            units = try d.readVarStringUTF16()
            lengths = UintOptRleDecoder(d.readRemaining())
        }

        mutating func readUnits() throws(CRDTError) -> [UInt16] {
            let n = try lengths.read()
            guard n <= UInt64(units.count - pos) else { throw .malformedUpdate }
            let out = Array(units[pos..<pos + Int(n)])
            pos += Int(n)
            return out
        }

        mutating func read() throws(CRDTError) -> String {
            String(decoding: try readUnits(), as: UTF16.self)
        }
    }

    /// `RleEncoder` of bytes.
    struct ByteRleEncoder {
        var e = Lib0Encoder()
        var value: UInt8 = 0
        var count = 0

        mutating func write(_ v: UInt8) {
            if count > 0 && value == v {
                count += 1
                return
            }
            if count > 0 { e.writeVarUInt(UInt64(count - 1)) }
            count = 1
            e.writeUInt8(v)
            value = v
        }

        var bytes: [UInt8] { e.bytes }
    }

    /// `UintOptRleEncoder`.
    struct UintOptRleEncoder {
        var e = Lib0Encoder()
        var value: UInt64 = 0
        var count = 0

        mutating func write(_ v: UInt64) {
            if value == v {
                count += 1
            } else {
                flush()
                count = 1
                value = v
            }
        }

        mutating func flush() {
            guard count > 0 else { return }
            e.writeVarInt(magnitude: value, negative: count > 1)
            if count > 1 { e.writeVarUInt(UInt64(count - 2)) }
        }

        mutating func finish() -> [UInt8] {
            flush()
            count = 0
            return e.bytes
        }
    }

    /// `IntDiffOptRleEncoder`.
    struct IntDiffOptRleEncoder {
        var e = Lib0Encoder()
        var value: Int64 = 0
        var diff: Int64 = 0
        var count = 0

        mutating func write(_ v: UInt64) {
            let vi = Int64(v)
            if diff == vi &- value {
                value = vi
                count += 1
            } else {
                flush()
                count = 1
                diff = vi &- value
                value = vi
            }
        }

        mutating func flush() {
            guard count > 0 else { return }
            let encoded = diff &* 2 &+ (count == 1 ? 0 : 1)
            e.writeVarInt(encoded)
            if count > 1 { e.writeVarUInt(UInt64(count - 2)) }
        }

        mutating func finish() -> [UInt8] {
            flush()
            count = 0
            return e.bytes
        }
    }

    /// The string column encoder.
    struct StringEncoder {
        var units: [UInt16] = []
        var lengths = UintOptRleEncoder()

        mutating func write(_ s: String) { write(units: Array(s.utf16)) }

        mutating func write(units u: some Collection<UInt16>) {
            units.append(contentsOf: u)
            lengths.write(UInt64(u.count))
        }

        mutating func finish() -> [UInt8] {
            var e = Lib0Encoder()
            e.writeVarString(utf16: units)
            e.writeRaw(lengths.finish())
            return e.bytes
        }
    }
}
