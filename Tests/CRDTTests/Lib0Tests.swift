import CRDT
import Foundation
import Testing

func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
func unhex(_ s: String) -> [UInt8] {
    var out: [UInt8] = []
    var it = s.makeIterator()
    while let a = it.next(), let b = it.next() { out.append(UInt8(String([a, b]), radix: 16)!) }
    return out
}

@Suite struct Lib0Tests {
    @Test func varUIntExamples() throws {
        let cases: [(UInt64, String)] = [
            (0, "00"), (127, "7f"), (128, "8001"), (300, "ac02"), (10000, "904e"), ((1 << 53) - 1, "ffffffffffffff0f"),
        ]
        for (value, expected) in cases {
        var e = Lib0Encoder()
        e.writeVarUInt(value)
        #expect(hex(e.bytes) == expected)
        var d = Lib0Decoder(e.bytes)
        #expect(try d.readVarUInt() == value)
        #expect(d.isAtEnd)
        }
    }

    @Test func varIntExamples() throws {
        let cases: [(Int64, String)] = [(42, "2a"), (-1, "41"), (-1000, "e80f"), (64, "8001"), (2_147_483_647, "bfffffff0f")]
        for (value, expected) in cases {
            var e = Lib0Encoder()
            e.writeVarInt(value)
            #expect(hex(e.bytes) == expected)
            var d = Lib0Decoder(e.bytes)
            #expect(try d.readVarInt() == value)
        }
    }

    @Test func negativeZero() throws {
        var e = Lib0Encoder()
        e.writeVarInt(magnitude: 0, negative: true)
        #expect(hex(e.bytes) == "40")
        var d = Lib0Decoder(e.bytes)
        let (m, neg) = try d.readVarIntWithSign()
        #expect(m == 0 && neg)
        // any tag 125 with -0 is JS's -0.0, and -0.0 is written back as `7d 40`.
        var d2 = Lib0Decoder([0x7d, 0x40])
        let v = try d2.readAny()
        guard case .float64(let x) = v else {
            Issue.record("expected float64, got \(v)")
            return
        }
        #expect(x == 0 && x.sign == .minus)
        var e2 = Lib0Encoder()
        e2.writeAny(v)
        #expect(hex(e2.bytes) == "7d40")
    }

    @Test func varUIntRejectsOutOfRangeAndTruncation() {
        var d = Lib0Decoder(unhex("ffffffffffffff1f"))  // 2^54 - 1
        #expect(throws: CRDTError.integerOutOfRange) { try d.readVarUInt() }
        var t = Lib0Decoder([0x80, 0x80])
        #expect(throws: CRDTError.unexpectedEnd) { try t.readVarUInt() }
        var empty = Lib0Decoder([])
        #expect(throws: CRDTError.unexpectedEnd) { try empty.readUInt8() }
        var hugeString = Lib0Decoder([0xff, 0xff, 0x03, 0x41])
        #expect(throws: CRDTError.lengthTooLarge) { try hugeString.readVarString() }
    }

    @Test func strings() throws {
        let s = "Hi 😀 世界 👩‍👩‍👧 e\u{301}"
        #expect(s.utf16.count == 20)
        var e = Lib0Encoder()
        e.writeVarString(s)
        #expect(e.bytes.first == 37)
        var d = Lib0Decoder(e.bytes)
        #expect(try d.readVarString() == s)
        // Invalid UTF-8 becomes U+FFFD.
        var bad = Lib0Decoder([0x02, 0xff, 0x41])
        #expect(try bad.readVarString() == "\u{FFFD}A")
    }

    @Test func fixedWidth() throws {
        var e = Lib0Encoder()
        e.writeFloat32(1.5)
        e.writeFloat64(0.1)
        e.writeBigInt64(-(1 << 62))
        #expect(hex(e.bytes) == "3fc00000" + "3fb999999999999a" + "c000000000000000")
        var d = Lib0Decoder(e.bytes)
        #expect(try d.readFloat32() == 1.5)
        #expect(try d.readFloat64() == 0.1)
        #expect(try d.readBigInt64() == -(1 << 62))
        #expect(d.isAtEnd && d.remaining == 0)
    }

    @Test func anyNumberTagsFollowJS() {
        func enc(_ v: YAny) -> String {
            var e = Lib0Encoder()
            e.writeAny(v)
            return hex(e.bytes)
        }
        #expect(enc(42) == "7d2a")
        #expect(enc(.integer(2_147_483_648)) == "7c4f000000")
        #expect(enc(1.5) == "7c3fc00000")
        #expect(enc(0.1) == "7b3fb999999999999a")
        #expect(enc(.float64(1)) == "7d01")
        #expect(enc(.float64(.infinity)) == "7c7f800000")
        #expect(enc(.float64(.nan)).hasPrefix("7b"))
        #expect(enc(.bigint(-(1 << 62))) == "7ac000000000000000")
        #expect(enc(.undefined) == "7f")
        #expect(enc(nil) == "7e")
        #expect(enc(true) == "78")
        #expect(enc(false) == "79")
        #expect(enc(.bytes([9])) == "740109")
        #expect(enc(["x": 1]) == "760101787d01")
        #expect(enc([1, "a", [nil]]) == "75037d0177016175017e")
    }

    @Test func anyRoundTrip() throws {
        let v: YAny = [
            "a": [1, 2.5, "x", nil, .undefined, .bytes([1, 2, 3]), .bigint(-5)],
            "b": ["nested": ["deep": true]], "c": "Grüße 😀",
        ]
        var e = Lib0Encoder()
        e.writeAny(v)
        var d = Lib0Decoder(e.bytes)
        #expect(try d.readAny() == v)
        #expect(d.isAtEnd)
    }

    @Test func anyRejectsBadInput() {
        var unknown = Lib0Decoder([0x10])
        #expect(throws: CRDTError.unknownAnyTag) { try unknown.readAny() }
        // 10,000 nested arrays: must fail cleanly, not blow the stack.
        var deep = Lib0Decoder([UInt8](repeating: 0, count: 20000).enumerated().map { $0.offset % 2 == 0 ? 0x75 : 0x01 })
        #expect(throws: CRDTError.nestingTooDeep) { try deep.readAny() }
        // A huge declared array length with no data must not allocate.
        var huge = Lib0Decoder([0x75, 0xff, 0xff, 0xff, 0xff, 0x0f])
        #expect(throws: CRDTError.lengthTooLarge) { try huge.readAny() }
    }

    @Test func jsonRoundTrip() throws {
        let text = #"{"image":"a/b.png","n":[1,-2.5,1e-7,100,true,null],"s":"q\"\n\u0001é😀"}"#
        let v = try YAny(jsonString: text)
        #expect(v.objectValue?["image"] == "a/b.png")
        #expect(v.jsonString == #"{"image":"a/b.png","n":[1,-2.5,1e-7,100,true,null],"s":"q\"\n\u0001é😀"}"#)
        #expect(try YAny(jsonString: "true") == true)
        #expect(try YAny(jsonString: " null ") == nil)
        #expect(try YAny(jsonString: "undefined") == .undefined)
        #expect(YAny.undefined.jsonString == "undefined")
        #expect(YAny.float64(0.1).jsonString == "0.1")
        #expect(YAny.float64(1e21).jsonString == "1e+21")
        #expect(YAny.float64(123456.789).jsonString == "123456.789")
        #expect(throws: CRDTError.invalidJSON) { try YAny(jsonString: "{") }
        #expect(throws: CRDTError.invalidJSON) { try YAny(jsonString: "[1,]") }
        #expect(throws: CRDTError.nestingTooDeep) { try YAny(jsonString: String(repeating: "[", count: 5000)) }
    }

    @Test func objectKeepsOrderAndComparesUnordered() {
        var a = YObject()
        a["z"] = 1
        a["a"] = 2
        a["z"] = 3
        #expect(a.keys == ["z", "a"])
        var b = YObject()
        b["a"] = 2
        b["z"] = 3
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
    }
}
