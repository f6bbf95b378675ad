import CRDT
import Foundation
import Testing

/// Loads and interprets the Yjs test vectors copied into `Tests/CRDTTests/Vectors`.
enum VectorSupport {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Vectors")

    static var allNames: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".json") && $0.first?.isNumber == true }.sorted()
    }

    static func load(_ name: String) throws -> YObject {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        let value = try YAny(jsonString: String(decoding: data, as: UTF8.self))
        guard let o = value.objectValue else { throw CRDTError.invalidJSON }
        return o
    }

    static func bytes(_ v: YAny?) -> [UInt8] { unhex(v?.stringValue ?? "") }

    /// Converts engine output to the vectors' JSON conventions.
    static func canonical(_ v: YAny) -> YAny {
        switch v {
        case .undefined: return .null
        case .float64(let d):
            if d.isFinite, d.rounded() == d, let i = Int64(exactly: d) { return .integer(i) }
            return v
        case .bigint(let i): return ["$bigint": .string(String(i))]
        case .bytes(let b): return ["$bytes": .string(hex(b))]
        case .array(let a): return .array(a.map(canonical))
        case .object(let o):
            var out = YObject()
            for (k, x) in o { out[k] = canonical(x) }
            return .object(out)
        default: return v
        }
    }

    /// The roots of `doc` read the way `root_types` says.
    static func render(_ doc: YDoc, rootTypes: YObject) -> YAny {
        var out = YObject()
        for (name, kind) in rootTypes {
            switch kind.stringValue {
            case "map": out[name] = doc.getMap(name).toJSON()
            case "array": out[name] = doc.getArray(name).toJSON()
            case "text": out[name] = .string(doc.getText(name).toString())
            case "xml": out[name] = .string(doc.getXmlFragment(name).toString())
            default: out[name] = .null
            }
        }
        return canonical(.object(out))
    }

    static func stateVector(_ v: YAny?) -> StateVector {
        var sv = StateVector()
        for (k, x) in v?.objectValue ?? YObject() {
            if let c = UInt64(k), let clock = x.int64Value { sv[c] = UInt64(clock) }
        }
        return sv
    }
}
