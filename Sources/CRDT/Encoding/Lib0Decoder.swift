/// Reads lib0's binary primitives from a byte array.
///
/// Every read validates its input and throws a ``CRDTError`` (typed throws) instead of trapping:
/// truncated input gives ``CRDTError/unexpectedEnd``, varints above 2^53 − 1 give
/// ``CRDTError/integerOutOfRange``, length prefixes larger than the remaining input give
/// ``CRDTError/lengthTooLarge`` and `any` values nested deeper than ``maxDepth`` give
/// ``CRDTError/nestingTooDeep``.
public struct Lib0Decoder: Sendable {
    /// The largest integer lib0 accepts (JavaScript's `Number.MAX_SAFE_INTEGER`).
    public static let maxSafeInteger: UInt64 = (1 << 53) - 1
    /// The deepest nesting of arrays/objects accepted by ``readAny()``.
    public static let maxDepth = 128

    /// The input.
    public let bytes: [UInt8]
    /// The index of the next byte to read.
    public private(set) var position: Int

    /// Creates a decoder reading `bytes` from the start.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.position = 0
    }

    /// True when every byte has been read.
    public var isAtEnd: Bool { position >= bytes.count }
    /// The number of bytes left to read.
    public var remaining: Int { bytes.count - position }

    /// Reads one byte.
    public mutating func readUInt8() throws(CRDTError) -> UInt8 {
        guard position < bytes.count else { throw .unexpectedEnd }
        let b = bytes[position]
        position += 1
        return b
    }

    /// Reads an unsigned varint; rejects values above 2^53 − 1.
    public mutating func readVarUInt() throws(CRDTError) -> UInt64 {
        let count = bytes.count
        var pos = position
        // Fast path: one byte.
        if pos < count {
            let b = bytes[pos]
            if b < 0x80 {
                position = pos + 1
                return UInt64(b)
            }
        }
        var result: UInt64 = 0
        var shift: UInt64 = 0
        let r: UInt64 = try bytes.withUnsafeBufferPointer { (buf) throws(CRDTError) -> UInt64 in
            while true {
                guard pos < count else { throw .unexpectedEnd }
                let b = buf[pos]
                pos += 1
                let payload = UInt64(b & 0x7F)
                if shift < 53 {
                    result |= payload << shift
                } else if payload != 0 {
                    throw .integerOutOfRange
                }
                if b < 0x80 { return result }
                shift += 7
            }
        }
        guard r <= Self.maxSafeInteger else { throw .integerOutOfRange }
        position = pos
        return r
    }

    /// Reads an unsigned varint that must fit in `Int` (lengths, counts).
    public mutating func readVarUIntAsInt() throws(CRDTError) -> Int {
        Int(try readVarUInt())
    }

    /// Reads a signed varint in lib0's layout.
    public mutating func readVarInt() throws(CRDTError) -> Int64 {
        let (m, negative) = try readVarIntWithSign()
        let v = Int64(m)
        return negative ? -v : v
    }

    /// Reads a signed varint as magnitude and sign bit, preserving negative zero.
    public mutating func readVarIntWithSign() throws(CRDTError) -> (magnitude: UInt64, negative: Bool) {
        let first = try readUInt8()
        var result = UInt64(first & 0x3F)
        let negative = first & 0x40 != 0
        if first & 0x80 == 0 { return (result, negative) }
        var shift: UInt64 = 6
        while true {
            let b = try readUInt8()
            let payload = UInt64(b & 0x7F)
            if shift < 53 {
                result |= payload << shift
            } else if payload != 0 {
                throw .integerOutOfRange
            }
            if b < 0x80 { break }
            shift += 7
        }
        guard result <= Self.maxSafeInteger else { throw .integerOutOfRange }
        return (result, negative)
    }

    /// Reads a length prefix and checks that that many bytes (at least) remain.
    private mutating func readLength() throws(CRDTError) -> Int {
        let n = try readVarUInt()
        guard n <= UInt64(remaining) else { throw .lengthTooLarge }
        return Int(n)
    }

    /// Reads a length-prefixed byte array.
    public mutating func readVarBytes() throws(CRDTError) -> [UInt8] {
        let n = try readLength()
        let out = Array(bytes[position..<position + n])
        position += n
        return out
    }

    /// Reads `count` raw bytes.
    public mutating func readRaw(count: Int) throws(CRDTError) -> [UInt8] {
        guard count >= 0, count <= remaining else { throw .unexpectedEnd }
        let out = Array(bytes[position..<position + count])
        position += count
        return out
    }

    /// Reads the rest of the input.
    public mutating func readRemaining() -> [UInt8] {
        let out = Array(bytes[position...])
        position = bytes.count
        return out
    }

    /// Reads a length-prefixed UTF-8 string; invalid sequences become U+FFFD.
    public mutating func readVarString() throws(CRDTError) -> String {
        let n = try readLength()
        let start = position
        position += n
        return bytes.withUnsafeBufferPointer { buf in
            String(decoding: UnsafeBufferPointer(rebasing: buf[start..<start + n]), as: UTF8.self)
        }
    }

    /// Reads a length-prefixed UTF-8 string as UTF-16 code units (how Yjs measures text).
    mutating func readVarStringUTF16() throws(CRDTError) -> [UInt16] {
        let n = try readLength()
        let start = position
        position += n
        return bytes.withUnsafeBufferPointer { buf in
            UTF16Transcoding.utf16(fromUTF8: UnsafeBufferPointer(rebasing: buf[start..<start + n]))
        }
    }

    private mutating func readBigEndian64() throws(CRDTError) -> UInt64 {
        guard remaining >= 8 else { throw .unexpectedEnd }
        var v: UInt64 = 0
        for i in 0..<8 { v = (v << 8) | UInt64(bytes[position + i]) }
        position += 8
        return v
    }

    /// Reads a big-endian float32.
    public mutating func readFloat32() throws(CRDTError) -> Float {
        guard remaining >= 4 else { throw .unexpectedEnd }
        var v: UInt32 = 0
        for i in 0..<4 { v = (v << 8) | UInt32(bytes[position + i]) }
        position += 4
        return Float(bitPattern: v)
    }

    /// Reads a big-endian float64.
    public mutating func readFloat64() throws(CRDTError) -> Double {
        Double(bitPattern: try readBigEndian64())
    }

    /// Reads a big-endian two's complement int64.
    public mutating func readBigInt64() throws(CRDTError) -> Int64 {
        Int64(bitPattern: try readBigEndian64())
    }

    /// Reads one value in lib0's `any` encoding (all 12 tags).
    ///
    /// JavaScript has a single number type, so every integral number (tags 125, 124 and 123)
    /// decodes to ``YAny/integer(_:)`` and other numbers (and negative zero) to ``YAny/float64(_:)``;
    /// re-encoding follows the JS tag rules either way.
    public mutating func readAny() throws(CRDTError) -> YAny {
        try readAny(depth: 0)
    }

    private mutating func readAny(depth: Int) throws(CRDTError) -> YAny {
        let tag = try readUInt8()
        switch tag {
        case 127: return .undefined
        case 126: return .null
        case 125:
            let (m, neg) = try readVarIntWithSign()
            if neg && m == 0 { return .float64(-0.0) }
            let v = Int64(m)
            return .integer(neg ? -v : v)
        case 124: return YAny.number(Double(try readFloat32()))
        case 123: return YAny.number(try readFloat64())
        case 122: return .bigint(try readBigInt64())
        case 121: return .bool(false)
        case 120: return .bool(true)
        case 119: return .string(try readVarString())
        case 118:
            guard depth < Self.maxDepth else { throw .nestingTooDeep }
            let n = try readVarUInt()
            // Each entry takes at least 2 bytes (empty key + tag).
            guard n <= UInt64(remaining / 2) else { throw .lengthTooLarge }
            var o = YObject()
            for _ in 0..<Int(n) {
                let k = try readVarString()
                o[k] = try readAny(depth: depth + 1)
            }
            return .object(o)
        case 117:
            guard depth < Self.maxDepth else { throw .nestingTooDeep }
            let n = try readVarUInt()
            guard n <= UInt64(remaining) else { throw .lengthTooLarge }
            var a = [YAny]()
            a.reserveCapacity(Int(n))
            for _ in 0..<Int(n) { a.append(try readAny(depth: depth + 1)) }
            return .array(a)
        case 116: return .bytes(try readVarBytes())
        default: throw .unknownAnyTag
        }
    }
}
