/// The kind of a shared type, as written in a ContentType (type ref 0…6).
public enum TypeKind: Hashable, Sendable {
    case array
    case map
    case text
    case xmlElement(name: String)
    case xmlFragment
    case xmlHook(name: String)
    case xmlText

    /// The wire type ref.
    public var typeRef: UInt8 {
        switch self {
        case .array: 0
        case .map: 1
        case .text: 2
        case .xmlElement: 3
        case .xmlFragment: 4
        case .xmlHook: 5
        case .xmlText: 6
        }
    }

    /// Reads a type ref (and the node/hook name for 3 and 5).
    static func read(from d: inout Lib0Decoder) throws(CRDTError) -> TypeKind {
        switch try d.readVarUInt() {
        case 0: return .array
        case 1: return .map
        case 2: return .text
        case 3: return .xmlElement(name: try d.readVarString())
        case 4: return .xmlFragment
        case 5: return .xmlHook(name: try d.readVarString())
        case 6: return .xmlText
        default: throw .unknownTypeRef
        }
    }

    func write(to e: inout Lib0Encoder) {
        e.writeVarUInt(UInt64(typeRef))
        switch self {
        case .xmlElement(let name), .xmlHook(let name): e.writeVarString(name)
        default: break
        }
    }

    /// True for kinds whose sequence holds text (String/Format/Embed items).
    var isTextLike: Bool {
        switch self {
        case .text, .xmlText: true
        default: false
        }
    }
}
