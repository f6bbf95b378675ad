/// The content of an Item (content refs 1…9 of the update format).
///
/// JSON-text payloads (ContentJSON, Embed, Format values) keep their original text so that
/// re-encoding is byte-identical; strings are kept as UTF-16 code units (Yjs' unit of length).
enum ItemContent {
    /// ref 1: a run of deleted units whose content was collected.
    case deleted(UInt64)
    /// ref 2: legacy JSON values, as JSON texts (`undefined` allowed).
    case json([String])
    /// ref 3: one byte array.
    case binary([UInt8])
    /// ref 4: text, as UTF-16 code units.
    case string([UInt16])
    /// ref 5: an embed (JSON text).
    case embed(String)
    /// ref 6: a formatting marker: attribute key and JSON text value.
    case format(key: String, value: String)
    /// ref 7: a nested shared type; `index` is the type's slot in the document (-1 before integration).
    case type(TypeKind, index: Int32)
    /// ref 8: JSON-like values.
    case any([YAny])
    /// ref 9: a sub-document.
    case doc(guid: String, options: YAny)

    /// The content ref written in the info byte.
    var ref: UInt8 {
        switch self {
        case .deleted: 1
        case .json: 2
        case .binary: 3
        case .string: 4
        case .embed: 5
        case .format: 6
        case .type: 7
        case .any: 8
        case .doc: 9
        }
    }

    /// Length in clock units.
    var length: UInt64 {
        switch self {
        case .deleted(let n): n
        case .json(let a): UInt64(a.count)
        case .string(let s): UInt64(s.count)
        case .any(let a): UInt64(a.count)
        default: 1
        }
    }

    /// Whether the content counts towards the parent's length (everything except Deleted and Format).
    var isCountable: Bool {
        switch self {
        case .deleted, .format: false
        default: true
        }
    }

    /// Whether two contents of this kind can be merged.
    var isMergeable: Bool {
        switch self {
        case .deleted, .json, .string, .any: true
        default: false
        }
    }

    /// Splits at `offset` (0 < offset < length): self keeps the left part, the right part is returned.
    /// A surrogate pair cut in two is repaired with U+FFFD on both sides, as Yjs does.
    mutating func split(at offset: Int) -> ItemContent {
        switch self {
        case .deleted(let n):
            self = .deleted(UInt64(offset))
            return .deleted(n - UInt64(offset))
        case .json(var a):
            self = .deleted(0)
            let r = Array(a[offset...])
            a.removeSubrange(offset...)
            self = .json(a)
            return .json(r)
        case .any(var a):
            self = .deleted(0)
            let r = Array(a[offset...])
            a.removeSubrange(offset...)
            self = .any(a)
            return .any(r)
        case .string(var s):
            self = .deleted(0)  // release the reference so `s` is uniquely owned
            var right = Array(s[offset...])
            s.removeSubrange(offset...)
            if let last = s.last, last & 0xFC00 == 0xD800 {
                s[s.count - 1] = 0xFFFD
                if !right.isEmpty, right[0] & 0xFC00 == 0xDC00 { right[0] = 0xFFFD }
            }
            self = .string(s)
            return .string(right)
        default:
            return self
        }
    }

    /// Appends `other` (same mergeable kind). Returns false if the kinds differ.
    mutating func append(_ other: ItemContent) -> Bool {
        switch self {
        case .deleted(let a):
            guard case .deleted(let b) = other else { return false }
            self = .deleted(a + b)
        case .string(var a):
            guard case .string(let b) = other else { return false }
            self = .deleted(0)  // release the reference so `a` is uniquely owned
            a.append(contentsOf: b)
            self = .string(a)
        case .any(var a):
            guard case .any(let b) = other else { return false }
            self = .deleted(0)
            a.append(contentsOf: b)
            self = .any(a)
        case .json(var a):
            guard case .json(let b) = other else { return false }
            self = .deleted(0)
            a.append(contentsOf: b)
            self = .json(a)
        default:
            return false
        }
        return true
    }

    /// Appends UTF-16 units to a string content (local typing fast path).
    mutating func appendUnits(_ units: [UInt16]) {
        guard case .string(var a) = self else { return }
        self = .deleted(0)
        a.append(contentsOf: units)
        self = .string(a)
    }

    /// Reads the v1 payload for content ref `ref`.
    static func read(ref: UInt8, from d: inout Lib0Decoder) throws(CRDTError) -> ItemContent {
        switch ref {
        case 1:
            let n = try d.readVarUInt()
            guard n > 0 else { throw .malformedUpdate }
            return .deleted(n)
        case 2:
            let n = try d.readVarUInt()
            guard n > 0, n <= UInt64(d.remaining) else { throw n == 0 ? .malformedUpdate : .lengthTooLarge }
            var a: [String] = []
            a.reserveCapacity(Int(n))
            for _ in 0..<n { a.append(try d.readVarString()) }
            return .json(a)
        case 3: return .binary(try d.readVarBytes())
        case 4:
            let s = try d.readVarStringUTF16()
            guard !s.isEmpty else { throw .malformedUpdate }
            return .string(s)
        case 5: return .embed(try d.readVarString())
        case 6:
            let key = try d.readVarString()
            let value = try d.readVarString()
            return .format(key: key, value: value)
        case 7: return .type(try TypeKind.read(from: &d), index: -1)
        case 8:
            let n = try d.readVarUInt()
            guard n > 0, n <= UInt64(d.remaining) else { throw n == 0 ? .malformedUpdate : .lengthTooLarge }
            var a: [YAny] = []
            a.reserveCapacity(Int(n))
            for _ in 0..<n { a.append(try d.readAny()) }
            return .any(a)
        case 9:
            let guid = try d.readVarString()
            let options = try d.readAny()
            return .doc(guid: guid, options: options)
        default:
            throw .unknownContentRef
        }
    }

    /// Writes the v1 payload, skipping the first `offset` units.
    func write(to e: inout Lib0Encoder, offset: Int = 0) {
        switch self {
        case .deleted(let n): e.writeVarUInt(n - UInt64(offset))
        case .json(let a):
            e.writeVarUInt(UInt64(a.count - offset))
            for s in a[offset...] { e.writeVarString(s) }
        case .binary(let b): e.writeVarBytes(b)
        case .string(let s):
            if offset == 0 {
                e.writeVarString(utf16: s)
            } else {
                // Yjs slices the JS string; a cut inside a surrogate pair leaves a lone low surrogate (→ U+FFFD).
                e.writeVarString(utf16: s[offset...])
            }
        case .embed(let j): e.writeVarString(j)
        case .format(let k, let v):
            e.writeVarString(k)
            e.writeVarString(v)
        case .type(let kind, _): kind.write(to: &e)
        case .any(let a):
            e.writeVarUInt(UInt64(a.count - offset))
            for v in a[offset...] { e.writeAny(v) }
        case .doc(let guid, let options):
            e.writeVarString(guid)
            e.writeAny(options)
        }
    }

    /// The JSON-like values this content contributes to an array / map (`toJSON`).
    /// Nested types are returned as `nil` placeholders by the caller's choice.
    var values: [YAny] {
        switch self {
        case .any(let a): return a
        case .json(let a): return a.map { (try? YAny(jsonString: $0)) ?? .undefined }
        case .binary(let b): return [.bytes(b)]
        case .string(let s): return s.map { .string(String(decoding: [$0], as: UTF16.self)) }
        case .embed(let j): return [(try? YAny(jsonString: j)) ?? .null]
        case .doc(let guid, _): return [.object(["$doc": .string(guid)])]
        case .deleted, .format, .type: return []
        }
    }
}
