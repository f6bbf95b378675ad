/// Writes lib0's binary primitives (the building blocks of Yjs updates and y-protocols messages)
/// into a growing byte buffer.
///
/// ```swift
/// var e = Lib0Encoder()
/// e.writeVarUInt(300)       // ac 02
/// e.writeVarString("hi")    // 02 68 69
/// let bytes = e.bytes
/// ```
public struct Lib0Encoder: Sendable {
    /// The bytes written so far.
    public var bytes: [UInt8]

    /// Creates an empty encoder, optionally reserving capacity.
    public init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// The number of bytes written.
    public var count: Int { bytes.count }

    /// Writes one byte.
    @inlinable
    public mutating func writeUInt8(_ value: UInt8) {
        bytes.append(value)
    }

    /// Writes raw bytes without a length prefix.
    public mutating func writeRaw(_ raw: some Sequence<UInt8>) {
        bytes.append(contentsOf: raw)
    }

    /// Writes an unsigned LEB128 varint (lib0 `writeVarUint`).
    @inlinable
    public mutating func writeVarUInt(_ value: UInt64) {
        var n = value
        while n > 0x7F {
            bytes.append(UInt8(truncatingIfNeeded: n) | 0x80)
            n >>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: n))
    }

    /// Writes an unsigned varint from an `Int` (negative values are written as 0).
    @inlinable
    public mutating func writeVarUInt(_ value: Int) {
        writeVarUInt(UInt64(clamping: value))
    }

    /// Writes a signed varint in lib0's layout: first byte holds continue bit, sign bit and 6 bits.
    public mutating func writeVarInt(_ value: Int64) {
        writeVarInt(magnitude: value.magnitude, negative: value < 0)
    }

    /// Writes a signed varint given as magnitude and sign, so that negative zero can be written
    /// (lib0's v2 run-length coders and `any` tag 125 for `-0` need it).
    public mutating func writeVarInt(magnitude: UInt64, negative: Bool) {
        var m = magnitude
        bytes.append((m > 63 ? 0x80 : 0) | (negative ? 0x40 : 0) | UInt8(truncatingIfNeeded: m & 0x3F))
        m >>= 6
        while m > 0 {
            bytes.append((m > 127 ? 0x80 : 0) | UInt8(truncatingIfNeeded: m & 0x7F))
            m >>= 7
        }
    }

    /// Writes a UTF-8 string prefixed by its byte length. Lone surrogates cannot occur in a Swift
    /// `String` (they are already U+FFFD), which matches JavaScript's TextEncoder.
    public mutating func writeVarString(_ value: String) {
        var s = value
        s.withUTF8 { utf8 in
            writeVarUInt(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// Writes UTF-16 code units as a length-prefixed UTF-8 string; unpaired surrogates become
    /// U+FFFD (`ef bf bd`), as JavaScript's TextEncoder does.
    public mutating func writeVarString(utf16 units: some Collection<UInt16>) {
        let lengthPosition = bytes.count
        // Reserve the common case of a 1-byte length prefix; fix up afterwards if longer.
        bytes.append(0)
        let start = bytes.count
        UTF16Transcoding.appendUTF8(of: units, to: &bytes)
        let byteCount = bytes.count - start
        if byteCount <= 0x7F {
            bytes[lengthPosition] = UInt8(byteCount)
        } else {
            var prefix = Lib0Encoder(capacity: 8)
            prefix.writeVarUInt(UInt64(byteCount))
            bytes.replaceSubrange(lengthPosition..<start, with: prefix.bytes)
        }
    }

    /// Writes a byte array prefixed by its length (lib0 `writeVarUint8Array`).
    public mutating func writeVarBytes(_ value: some Collection<UInt8>) {
        writeVarUInt(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// Writes a big-endian IEEE-754 float32.
    public mutating func writeFloat32(_ value: Float) {
        let bits = value.bitPattern
        bytes.append(UInt8(truncatingIfNeeded: bits >> 24))
        bytes.append(UInt8(truncatingIfNeeded: bits >> 16))
        bytes.append(UInt8(truncatingIfNeeded: bits >> 8))
        bytes.append(UInt8(truncatingIfNeeded: bits))
    }

    /// Writes a big-endian IEEE-754 float64.
    public mutating func writeFloat64(_ value: Double) {
        writeBigEndian64(value.bitPattern)
    }

    /// Writes a big-endian two's complement 64-bit integer (JS `setBigInt64`).
    public mutating func writeBigInt64(_ value: Int64) {
        writeBigEndian64(UInt64(bitPattern: value))
    }

    private mutating func writeBigEndian64(_ bits: UInt64) {
        var shift: UInt64 = 56
        while true {
            bytes.append(UInt8(truncatingIfNeeded: bits >> shift))
            if shift == 0 { break }
            shift -= 8
        }
    }

    /// Writes a value in lib0's `any` encoding, choosing number tags exactly as Yjs (JS) does:
    /// integers with |n| ≤ 2^31 − 1 use tag 125, other numbers use float32 (124) when exact,
    /// else float64 (123); bigints use 122.
    public mutating func writeAny(_ value: YAny) {
        switch value {
        case .undefined: bytes.append(127)
        case .null: bytes.append(126)
        case .integer(let i):
            if i.magnitude <= 0x7FFF_FFFF {
                bytes.append(125)
                writeVarInt(i)
            } else {
                writeNumber(Double(i))
            }
        case .float64(let d):
            writeNumber(d)
        case .bigint(let i):
            bytes.append(122)
            writeBigInt64(i)
        case .bool(let b): bytes.append(b ? 120 : 121)
        case .string(let s):
            bytes.append(119)
            writeVarString(s)
        case .object(let o):
            bytes.append(118)
            writeVarUInt(UInt64(o.count))
            for (k, v) in o {
                writeVarString(k)
                writeAny(v)
            }
        case .array(let a):
            bytes.append(117)
            writeVarUInt(UInt64(a.count))
            for v in a { writeAny(v) }
        case .bytes(let b):
            bytes.append(116)
            writeVarBytes(b)
        }
    }

    /// JS `writeAny` for a `number`.
    private mutating func writeNumber(_ d: Double) {
        if d.isFinite, d.rounded(.towardZero) == d, d.magnitude <= 2_147_483_647 {
            bytes.append(125)
            writeVarInt(magnitude: UInt64(d.magnitude), negative: d.sign == .minus)
        } else if d.isNaN == false, Double(Float(d)) == d {
            bytes.append(124)
            writeFloat32(Float(d))
        } else {
            bytes.append(123)
            writeFloat64(d)
        }
    }
}
