import CRDT
import Foundation

/// Hex helpers for the interop, protocol and fuzz tests (bytes travel as lowercase hex).
enum InteropHex {
    static func encode(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8] {
        func nibble(_ c: UInt8) -> UInt8 {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x61...0x66: return c - 0x61 + 10
            case 0x41...0x46: return c - 0x41 + 10
            default: preconditionFailure("not a hex digit in test data")
            }
        }
        let chars = Array(text.utf8)
        var out = [UInt8]()
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i + 1 < chars.count {
            out.append(nibble(chars[i]) << 4 | nibble(chars[i + 1]))
            i += 2
        }
        return out
    }
}

/// The Yjs test vectors copied from the shared vector set into `Tests/CRDTTests/Vectors/`
/// (CI clones only the repository, so tests never read outside it).
enum InteropVectors {
    /// `Tests/CRDTTests/Vectors`, found from this file's path.
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Vectors")

    /// Every vector file name (`NN_name.json`), sorted.
    static func fileNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".json") && $0.first?.isNumber == true }
            .sorted()
    }

    /// A vector file parsed as a ``YAny`` object (the engine's JSON reader; keys keep their order).
    static func load(_ fileName: String) throws -> YObject {
        let data = try Data(contentsOf: directory.appendingPathComponent(fileName))
        let value = try YAny(jsonString: String(decoding: data, as: UTF8.self))
        guard let object = value.objectValue else { throw InteropFailure("vector \(fileName) is not an object") }
        return object
    }
}

/// A failure in the interop machinery (helper missing, helper error, bad test data).
struct InteropFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension YObject {
    /// The string at `key`, or a test failure.
    func string(_ key: String) throws -> String {
        guard let s = self[key]?.stringValue else { throw InteropFailure("missing string field \(key)") }
        return s
    }

    /// The array at `key`, or a test failure.
    func array(_ key: String) throws -> [YAny] {
        guard let a = self[key]?.arrayValue else { throw InteropFailure("missing array field \(key)") }
        return a
    }

    /// The object at `key`, or a test failure.
    func object(_ key: String) throws -> YObject {
        guard let o = self[key]?.objectValue else { throw InteropFailure("missing object field \(key)") }
        return o
    }

    /// The hex field at `key` decoded to bytes.
    func bytes(_ key: String) throws -> [UInt8] { InteropHex.decode(try string(key)) }
}
