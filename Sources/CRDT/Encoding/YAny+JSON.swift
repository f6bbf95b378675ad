import Foundation

extension YAny {
    /// Parses JSON text (fragments allowed: a bare `true`, `null`, number or string is valid).
    ///
    /// Whole numbers without fraction or exponent that fit in `Int64` become ``YAny/integer(_:)``;
    /// other numbers become ``YAny/float64(_:)``. Nesting is limited to ``Lib0Decoder/maxDepth``.
    /// - Throws: ``CRDTError/invalidJSON`` or ``CRDTError/nestingTooDeep``.
    public init(jsonString: String) throws(CRDTError) {
        var s = jsonString
        let parsed: Result<YAny, CRDTError> = s.withUTF8 { buf in
            Result { () throws(CRDTError) -> YAny in
                var p = JSONParser(buf)
                p.skipWhitespace()
                let v = try p.parseValue(depth: 0)
                p.skipWhitespace()
                guard p.pos == buf.count else { throw CRDTError.invalidJSON }
                return v
            }
        }
        self = try parsed.get()
    }

    /// Compact JSON text as JavaScript's `JSON.stringify` writes it: no spaces, keys in order,
    /// `/` not escaped, integral numbers without a fraction. `undefined` inside an object is left
    /// out and inside an array becomes `null`; at the top level it is written as `undefined`
    /// (the spelling ContentJSON uses). Byte arrays are written as JS writes a `Uint8Array`
    /// (an object keyed by index); bigints as bare digits.
    public var jsonString: String {
        var out = ""
        JSONWriter.write(self, to: &out, topLevel: true)
        return out
    }
}

enum JSONWriter {
    static func write(_ v: YAny, to out: inout String, topLevel: Bool = false) {
        switch v {
        case .undefined: out += topLevel ? "undefined" : "null"
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .integer(let i), .bigint(let i): out += String(i)
        case .float64(let d): out += formatNumber(d)
        case .string(let s): writeString(s, to: &out)
        case .bytes(let b):
            out += "{"
            for (i, x) in b.enumerated() {
                if i > 0 { out += "," }
                out += "\"\(i)\":\(x)"
            }
            out += "}"
        case .array(let a):
            out += "["
            for (i, x) in a.enumerated() {
                if i > 0 { out += "," }
                write(x, to: &out)
            }
            out += "]"
        case .object(let o):
            out += "{"
            var first = true
            for (k, x) in o {
                if case .undefined = x { continue }
                if !first { out += "," }
                first = false
                writeString(k, to: &out)
                out += ":"
                write(x, to: &out)
            }
            out += "}"
        }
    }

    static func writeString(_ s: String, to out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }

    /// ECMAScript `Number::toString` for finite doubles; NaN and ±Infinity become `null`
    /// as in `JSON.stringify`.
    static func formatNumber(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d == 0 { return "0" }
        if d.rounded() == d, d.magnitude < 1e21 {
            if let i = Int64(exactly: d) { return String(i) }
            return String(format: "%.0f", d)
        }
        // Shortest round-trip digits from Swift, then re-layout with JS's exponent rules.
        var desc = d.magnitude.description  // e.g. "0.1", "1.5e-07", "1e+25", "123.456"
        var exp10 = 0
        if let eIdx = desc.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exp10 = Int(desc[desc.index(after: eIdx)...]) ?? 0
            desc = String(desc[..<eIdx])
        }
        var intPart = desc
        var fracPart = ""
        if let dot = desc.firstIndex(of: ".") {
            intPart = String(desc[..<dot])
            fracPart = String(desc[desc.index(after: dot)...])
        }
        var digits = intPart + fracPart
        var pointPos = intPart.count + exp10  // decimal point position relative to digits start
        // Strip leading zeros.
        while digits.hasPrefix("0") && digits.count > 1 {
            digits.removeFirst()
            pointPos -= 1
        }
        while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
        let k = digits.count
        let n = pointPos
        var s: String
        if k <= n && n <= 21 {
            s = digits + String(repeating: "0", count: n - k)
        } else if 0 < n && n <= 21 {
            let idx = digits.index(digits.startIndex, offsetBy: n)
            s = digits[..<idx] + "." + digits[idx...]
        } else if -6 < n && n <= 0 {
            s = "0." + String(repeating: "0", count: -n) + digits
        } else {
            let e = n - 1
            let sign = e < 0 ? "-" : "+"
            if k == 1 {
                s = digits + "e" + sign + String(abs(e))
            } else {
                s = String(digits.first!) + "." + digits.dropFirst() + "e" + sign + String(abs(e))
            }
        }
        return d < 0 ? "-" + s : s
    }
}

struct JSONParser {
    let buf: UnsafeBufferPointer<UInt8>
    var pos = 0

    init(_ buf: UnsafeBufferPointer<UInt8>) { self.buf = buf }

    mutating func skipWhitespace() {
        while pos < buf.count {
            let c = buf[pos]
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { pos += 1 } else { break }
        }
    }

    mutating func expect(_ literal: StaticString) throws(CRDTError) {
        let n = literal.utf8CodeUnitCount
        guard pos + n <= buf.count else { throw .invalidJSON }
        let p = literal.utf8Start
        for i in 0..<n where buf[pos + i] != p[i] { throw .invalidJSON }
        pos += n
    }

    mutating func parseValue(depth: Int) throws(CRDTError) -> YAny {
        guard pos < buf.count else { throw .invalidJSON }
        switch buf[pos] {
        case UInt8(ascii: "n"):
            try expect("null")
            return .null
        case UInt8(ascii: "t"):
            try expect("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expect("false")
            return .bool(false)
        case UInt8(ascii: "u"):
            try expect("undefined")
            return .undefined
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "["):
            guard depth < Lib0Decoder.maxDepth else { throw .nestingTooDeep }
            pos += 1
            var a: [YAny] = []
            skipWhitespace()
            if pos < buf.count && buf[pos] == UInt8(ascii: "]") {
                pos += 1
                return .array(a)
            }
            while true {
                skipWhitespace()
                a.append(try parseValue(depth: depth + 1))
                skipWhitespace()
                guard pos < buf.count else { throw .invalidJSON }
                if buf[pos] == UInt8(ascii: ",") {
                    pos += 1
                } else if buf[pos] == UInt8(ascii: "]") {
                    pos += 1
                    return .array(a)
                } else {
                    throw .invalidJSON
                }
            }
        case UInt8(ascii: "{"):
            guard depth < Lib0Decoder.maxDepth else { throw .nestingTooDeep }
            pos += 1
            var o = YObject()
            skipWhitespace()
            if pos < buf.count && buf[pos] == UInt8(ascii: "}") {
                pos += 1
                return .object(o)
            }
            while true {
                skipWhitespace()
                guard pos < buf.count, buf[pos] == UInt8(ascii: "\"") else { throw .invalidJSON }
                let k = try parseString()
                skipWhitespace()
                guard pos < buf.count, buf[pos] == UInt8(ascii: ":") else { throw .invalidJSON }
                pos += 1
                skipWhitespace()
                o[k] = try parseValue(depth: depth + 1)
                skipWhitespace()
                guard pos < buf.count else { throw .invalidJSON }
                if buf[pos] == UInt8(ascii: ",") {
                    pos += 1
                } else if buf[pos] == UInt8(ascii: "}") {
                    pos += 1
                    return .object(o)
                } else {
                    throw .invalidJSON
                }
            }
        default:
            return try parseNumber()
        }
    }

    mutating func parseNumber() throws(CRDTError) -> YAny {
        let start = pos
        var isInteger = true
        if pos < buf.count && buf[pos] == UInt8(ascii: "-") { pos += 1 }
        var digits = 0
        while pos < buf.count, buf[pos] >= 0x30, buf[pos] <= 0x39 {
            pos += 1
            digits += 1
        }
        guard digits > 0 else { throw .invalidJSON }
        if pos < buf.count && buf[pos] == UInt8(ascii: ".") {
            isInteger = false
            pos += 1
            var frac = 0
            while pos < buf.count, buf[pos] >= 0x30, buf[pos] <= 0x39 {
                pos += 1
                frac += 1
            }
            guard frac > 0 else { throw .invalidJSON }
        }
        if pos < buf.count && (buf[pos] == UInt8(ascii: "e") || buf[pos] == UInt8(ascii: "E")) {
            isInteger = false
            pos += 1
            if pos < buf.count && (buf[pos] == UInt8(ascii: "+") || buf[pos] == UInt8(ascii: "-")) { pos += 1 }
            var ed = 0
            while pos < buf.count, buf[pos] >= 0x30, buf[pos] <= 0x39 {
                pos += 1
                ed += 1
            }
            guard ed > 0 else { throw .invalidJSON }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: buf[start..<pos]), as: UTF8.self)
        if isInteger, let i = Int64(text) {
            if i == 0 && text.hasPrefix("-") { return .float64(-0.0) }
            return .integer(i)
        }
        guard let d = Double(text) else { throw .invalidJSON }
        return YAny.number(d)
    }

    mutating func parseHex4() throws(CRDTError) -> UInt16 {
        guard pos + 4 <= buf.count else { throw .invalidJSON }
        var v: UInt16 = 0
        for _ in 0..<4 {
            let c = buf[pos]
            pos += 1
            let d: UInt16
            switch c {
            case 0x30...0x39: d = UInt16(c - 0x30)
            case 0x41...0x46: d = UInt16(c - 0x41 + 10)
            case 0x61...0x66: d = UInt16(c - 0x61 + 10)
            default: throw .invalidJSON
            }
            v = v << 4 | d
        }
        return v
    }

    mutating func parseString() throws(CRDTError) -> String {
        pos += 1  // opening quote
        var units: [UInt16] = []
        var rawStart = pos
        var bytes: [UInt8] = []
        func flushRaw(_ p: JSONParser, _ from: Int, into bytes: inout [UInt8]) {
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: p.buf[from..<p.pos]))
        }
        while true {
            guard pos < buf.count else { throw .invalidJSON }
            let c = buf[pos]
            if c == UInt8(ascii: "\"") {
                flushRaw(self, rawStart, into: &bytes)
                pos += 1
                if units.isEmpty { return String(decoding: bytes, as: UTF8.self) }
                units.append(contentsOf: String(decoding: bytes, as: UTF8.self).utf16)
                return String(decoding: units, as: UTF16.self)
            }
            if c < 0x20 { throw .invalidJSON }
            if c == UInt8(ascii: "\\") {
                flushRaw(self, rawStart, into: &bytes)
                // Move pending raw bytes into the UTF-16 buffer so escapes keep their order.
                units.append(contentsOf: String(decoding: bytes, as: UTF8.self).utf16)
                bytes.removeAll(keepingCapacity: true)
                pos += 1
                guard pos < buf.count else { throw .invalidJSON }
                let e = buf[pos]
                pos += 1
                switch e {
                case UInt8(ascii: "\""): units.append(0x22)
                case UInt8(ascii: "\\"): units.append(0x5C)
                case UInt8(ascii: "/"): units.append(0x2F)
                case UInt8(ascii: "b"): units.append(0x08)
                case UInt8(ascii: "f"): units.append(0x0C)
                case UInt8(ascii: "n"): units.append(0x0A)
                case UInt8(ascii: "r"): units.append(0x0D)
                case UInt8(ascii: "t"): units.append(0x09)
                case UInt8(ascii: "u"): units.append(try parseHex4())
                default: throw .invalidJSON
                }
                // Force the UTF-16 path for the final string even if only escapes were seen.
                if units.isEmpty { units.reserveCapacity(1) }
                rawStart = pos
                continue
            }
            pos += 1
        }
    }
}
