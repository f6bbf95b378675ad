import CRDT

/// One document replica in a differential run: a Swift `YDoc`, a pycrdt `Doc` or a Yjs `Y.Doc`.
///
/// Edits are described by JSON op objects (see README.md) that every implementation runs on its
/// own document, choosing positions from fractions so that each op is valid for the replica's
/// current content:
/// `{"k":"ms","r":root,"key":k,"v":json}` map set, `{"k":"md","r","key"}` map delete,
/// `{"k":"ai","r","f":fraction,"vs":[json…]}` array insert, `{"k":"ad","r","f","n"}` array delete,
/// `{"k":"ti","r","f","s":text}` text insert, `{"k":"td","r","f","n"}` text delete.
/// Text positions count Unicode scalars (so no op splits a surrogate pair).
protocol InteropReplica: AnyObject {
    /// "swift", "pycrdt" or "yjs", plus the client id, for failure messages.
    var name: String { get }
    /// Runs `ops` in one transaction; returns the update(s) the transaction emitted.
    func edit(_ ops: [YAny]) throws -> [[UInt8]]
    /// Applies a (remote) v1 update.
    func apply(_ update: [UInt8]) throws
    /// `encodeStateAsUpdate(doc, sv)`; the whole state when `stateVector` is nil.
    func state(since stateVector: [UInt8]?) throws -> [UInt8]
    /// The encoded state vector.
    func stateVector() throws -> [UInt8]
    /// The roots rendered with the vector JSON conventions.
    func json(_ roots: YObject) throws -> YAny
}

/// A replica living in a helper subprocess.
final class HelperReplica: InteropReplica {
    let helper: InteropHelper
    let doc: String
    let name: String

    init(helper: InteropHelper, doc: String, clientID: UInt64) throws {
        self.helper = helper
        self.doc = doc
        self.name = "\(helper.kind.rawValue)#\(clientID)"
        try helper.call(["cmd": "new", "doc": .string(doc), "client": .integer(Int64(clientID))])
    }

    func free() throws {
        try helper.call(["cmd": "free", "doc": .string(doc)])
    }

    func edit(_ ops: [YAny]) throws -> [[UInt8]] {
        let answer = try helper.call(["cmd": "edit", "doc": .string(doc), "ops": .array(ops)])
        return try answer.array("updates").map { InteropHex.decode($0.stringValue ?? "") }
    }

    func apply(_ update: [UInt8]) throws {
        try helper.call(["cmd": "apply", "doc": .string(doc), "update": .string(InteropHex.encode(update))])
    }

    func state(since stateVector: [UInt8]?) throws -> [UInt8] {
        var request = YObject()
        request["cmd"] = "state"
        request["doc"] = .string(doc)
        if let stateVector { request["sv"] = .string(InteropHex.encode(stateVector)) }
        return try helper.call(.object(request)).bytes("update")
    }

    func stateVector() throws -> [UInt8] {
        try helper.call(["cmd": "sv", "doc": .string(doc)]).bytes("sv")
    }

    func json(_ roots: YObject) throws -> YAny {
        guard let json = try helper.call(["cmd": "json", "doc": .string(doc), "roots": .object(roots)])["json"] else {
            throw InteropFailure("no json in answer")
        }
        return json
    }
}

extension InteropHelper {
    /// Applies `update` to a fresh document and returns its JSON and re-encoded state.
    func load(_ update: [UInt8], roots: YObject) throws -> (json: YAny, state: [UInt8]) {
        let answer = try call(["cmd": "load", "update": .string(InteropHex.encode(update)), "roots": .object(roots)])
        guard let json = answer["json"] else { throw InteropFailure("no json in answer") }
        return (json, try answer.bytes("state"))
    }
}

/// A deterministic, seedable generator (SplitMix64) for reproducible random runs.
struct SeededRNG: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 ^ 0xD1B5_4A32_D192_ED03 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
