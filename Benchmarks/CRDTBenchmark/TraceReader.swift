// A small streaming reader for editing traces (`{startContent, endContent, txns: [{patches: [[pos, del, text]]}]}`),
// so that loading the trace does not dominate the benchmark's peak memory.
import Foundation

struct Trace {
    var startContent = ""
    var endContent = ""
    var positions: [Int] = []
    var deletes: [Int] = []
    var inserts: [String] = []

    var count: Int { positions.count }
}

struct TraceReader {
    enum Failure: Error { case malformed(Int) }

    private let bytes: [UInt8]
    private var i = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    static func read(_ data: [UInt8]) throws -> Trace {
        var reader = TraceReader(data)
        var trace = Trace()
        try reader.object { reader, key in
            switch key {
            case "startContent": trace.startContent = try reader.string()
            case "endContent": trace.endContent = try reader.string()
            case "txns":
                try reader.array { reader in
                    try reader.object { reader, key in
                        guard key == "patches" else { return try reader.skip() }
                        try reader.array { reader in
                            var fields = 0
                            try reader.array { reader in
                                switch fields {
                                case 0: trace.positions.append(try reader.int())
                                case 1: trace.deletes.append(try reader.int())
                                default: trace.inserts.append(try reader.string())
                                }
                                fields += 1
                            }
                            guard fields == 3 else { throw Failure.malformed(reader.i) }
                        }
                    }
                }
            default: try reader.skip()
            }
        }
        return trace
    }

    private mutating func ws() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    private mutating func expect(_ c: UInt8) throws {
        ws()
        guard i < bytes.count, bytes[i] == c else { throw Failure.malformed(i) }
        i += 1
    }

    private mutating func peek() -> UInt8? {
        ws()
        return i < bytes.count ? bytes[i] : nil
    }

    mutating func object(_ member: (inout TraceReader, String) throws -> Void) throws {
        try expect(UInt8(ascii: "{"))
        if peek() == UInt8(ascii: "}") { i += 1; return }
        while true {
            let key = try string()
            try expect(UInt8(ascii: ":"))
            try member(&self, key)
            if peek() == UInt8(ascii: ",") { i += 1; continue }
            try expect(UInt8(ascii: "}"))
            return
        }
    }

    mutating func array(_ element: (inout TraceReader) throws -> Void) throws {
        try expect(UInt8(ascii: "["))
        if peek() == UInt8(ascii: "]") { i += 1; return }
        while true {
            try element(&self)
            if peek() == UInt8(ascii: ",") { i += 1; continue }
            try expect(UInt8(ascii: "]"))
            return
        }
    }

    mutating func int() throws -> Int {
        ws()
        var negative = false
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        var n = 0
        let start = i
        while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
            n = n * 10 + Int(bytes[i] - 0x30)
            i += 1
        }
        guard i > start else { throw Failure.malformed(i) }
        return negative ? -n : n
    }

    mutating func string() throws -> String {
        try expect(UInt8(ascii: "\""))
        var out: [UInt8] = []
        while i < bytes.count {
            let c = bytes[i]
            i += 1
            if c == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
            guard c == UInt8(ascii: "\\") else { out.append(c); continue }
            guard i < bytes.count else { break }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                var units: [UInt16] = [try hex4()]
                if (0xD800...0xDBFF).contains(units[0]), i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                    i += 2
                    units.append(try hex4())
                }
                out.append(contentsOf: String(decoding: units, as: UTF16.self).utf8)
            default: out.append(e)  // \" \\ \/
            }
        }
        throw Failure.malformed(i)
    }

    private mutating func hex4() throws -> UInt16 {
        guard i + 4 <= bytes.count, let v = UInt16(String(decoding: bytes[i..<i + 4], as: UTF8.self), radix: 16) else {
            throw Failure.malformed(i)
        }
        i += 4
        return v
    }

    /// Skips any JSON value.
    mutating func skip() throws {
        switch peek() {
        case UInt8(ascii: "{"): try object { reader, _ in try reader.skip() }
        case UInt8(ascii: "["): try array { reader in try reader.skip() }
        case UInt8(ascii: "\""): _ = try string()
        case .some:
            while i < bytes.count, !",]} \n\r\t".utf8.contains(bytes[i]) { i += 1 }
        case nil: throw Failure.malformed(i)
        }
    }
}
