/// A Yjs-compatible document: a set of named root types (maps, arrays, texts, XML fragments) that
/// converge when peers exchange v1 updates.
///
/// `YDoc` is a non-`Sendable` class: use one document from one isolation domain at a time (for
/// example inside the actor that owns a collaboration room). Every change happens in a
/// transaction; each transaction that changed something emits one v1 update to ``onUpdate(_:)``
/// observers, which a server relays to its peers.
///
/// ```swift
/// let doc = YDoc()
/// let token = doc.onUpdate { update, origin in relay(update) }
/// doc.getMap("meta").set("name", "Trailer")
/// try other.applyUpdate(doc.encodeStateAsUpdate())
/// ```
public final class YDoc {
    var store: DocStore
    private var nextObserverID = 0
    private var updateObservers: [(id: Int, callback: ([UInt8], AnyHashable?) -> Void)] = []
    var typeObservers: [Int32: [(id: Int, callback: (YEvent) -> Void)]] = [:]
    var deepObservers: [Int32: [(id: Int, callback: ([YEvent]) -> Void)]] = [:]
    private var transactionDepth = 0
    private var currentOrigin: AnyHashable?
    var currentOriginForEvents: AnyHashable? { currentOrigin }

    /// The document's globally unique id (used for sub-documents).
    public let guid: String

    /// Creates a document.
    /// - Parameters:
    ///   - clientID: this replica's client id (random 32-bit value by default, as Yjs picks).
    ///   - gc: whether deleted content is garbage-collected (default true). Turn it off to read
    ///     old snapshots.
    ///   - guid: the document id (random by default).
    public init(clientID: UInt64? = nil, gc: Bool = true, guid: String? = nil) {
        let id = clientID.map { $0 & Lib0Decoder.maxSafeInteger } ?? UInt64(UInt32.random(in: 1...UInt32.max))
        store = DocStore(clientID: id, gc: gc)
        self.guid = guid ?? Self.randomGUID()
    }

    private static func randomGUID() -> String {
        let chars = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return String((0..<21).map { _ in chars[Int.random(in: 0..<chars.count)] })
    }

    /// This replica's client id. It changes if a remote update claims to come from it (id collision).
    public var clientID: UInt64 { store.localClient }
    /// Whether deleted content is garbage-collected.
    public var gc: Bool { store.gcEnabled }

    /// The state vector: for each client, the number of clock values integrated.
    public var stateVector: StateVector { store.stateVector }

    /// The delete set of the whole document.
    public var deleteSet: DeleteSet {
        var ds = store.deleteSetFromStore()
        ds.sortAndMerge()
        return ds
    }

    /// True if some received structs wait for missing dependencies.
    public var hasPendingStructs: Bool { !store.pendingStructs.isEmpty }
    /// True if some received deletions wait for the structs they delete.
    public var hasPendingDeletes: Bool { !store.pendingDeletes.isEmpty }

    // MARK: transactions

    /// Runs `body` in one transaction: all its changes produce one update and one set of events.
    /// Nested calls join the outer transaction. As in Yjs there is no rollback: if `body` throws,
    /// the changes it made before throwing are committed (and emitted) all the same.
    /// - Parameters:
    ///   - origin: a value passed to update observers (e.g. the connection a change came from).
    @discardableResult
    public func transact<T, E: Error>(origin: AnyHashable? = nil, _ body: () throws(E) -> T) throws(E) -> T {
        if transactionDepth > 0 {
            return try body()
        }
        begin(origin: origin, local: true)
        defer { commit() }
        return try body()
    }

    func begin(origin: AnyHashable?, local: Bool) {
        transactionDepth += 1
        if transactionDepth == 1 {
            currentOrigin = origin
            store.tr.reset(local: local, trackChanges: !typeObservers.isEmpty || !deepObservers.isEmpty)
        }
    }

    /// Runs `body` inside a transaction, opening one if none is open.
    func withTransaction<T>(_ body: () -> T) -> T {
        if transactionDepth > 0 { return body() }
        begin(origin: nil, local: true)
        defer { commit() }
        return body()
    }

    func commit() {
        transactionDepth -= 1
        guard transactionDepth == 0 else { return }
        let events = store.tr.trackChanges ? computeEventsAfterSorting() : []
        let update = store.finishTransaction(encodeUpdate: !updateObservers.isEmpty)
        let origin = currentOrigin
        currentOrigin = nil
        if !events.isEmpty { dispatch(events) }
        if let update {
            for o in updateObservers { o.callback(update, origin) }
        }
    }

    private func computeEventsAfterSorting() -> [(type: Int32, event: YEvent)] {
        store.tr.deleteSet.sortAndMerge()
        return computeEvents()
    }

    // MARK: updates

    /// Applies a v1 update. The update is decoded completely before anything is integrated, so a
    /// malformed update throws and leaves the document exactly as it was. Structs whose
    /// dependencies are missing wait (pending) until those arrive.
    /// - Parameters:
    ///   - update: the v1 update bytes.
    ///   - origin: passed to update observers.
    /// - Throws: ``CRDTError`` if the update is malformed.
    public func applyUpdate(_ update: [UInt8], origin: AnyHashable? = nil) throws(CRDTError) {
        var decoded = try DecodedUpdate(v1: update)
        begin(origin: origin, local: false)
        store.tr.local = false
        store.applyDecoded(&decoded)
        commit()
    }

    /// Encodes the document (or what `stateVector` lacks) as a v1 update. Pending structs and
    /// deletions are included, as Yjs does, so peers can fill the gaps themselves.
    public func encodeStateAsUpdate(against stateVector: StateVector? = nil) -> [UInt8] {
        let base = store.encodeState(against: stateVector)
        guard store.hasPending else { return base }
        let pending = store.encodePending()
        let merged = (try? Updates.merge([base, pending])) ?? base
        guard let sv = stateVector else { return merged }
        return (try? Updates.diff(merged, against: sv)) ?? merged
    }

    // MARK: observers

    /// Registers a callback receiving the v1 update of every transaction that changed the document,
    /// with the transaction's origin. Called after the transaction completed.
    @discardableResult
    public func onUpdate(_ callback: @escaping ([UInt8], AnyHashable?) -> Void) -> ObserverToken {
        nextObserverID += 1
        updateObservers.append((nextObserverID, callback))
        return ObserverToken(id: nextObserverID)
    }

    /// Removes an observer registered on this document or on one of its types.
    public func removeObserver(_ token: ObserverToken) {
        updateObservers.removeAll { $0.id == token.id }
        for k in typeObservers.keys { typeObservers[k]?.removeAll { $0.id == token.id } }
        for k in deepObservers.keys { deepObservers[k]?.removeAll { $0.id == token.id } }
        typeObservers = typeObservers.filter { !$0.value.isEmpty }
        deepObservers = deepObservers.filter { !$0.value.isEmpty }
    }

    func addTypeObserver(_ t: Int32, deep: Bool, _ callback: Any) -> ObserverToken {
        nextObserverID += 1
        if deep, let cb = callback as? ([YEvent]) -> Void {
            deepObservers[t, default: []].append((nextObserverID, cb))
        } else if let cb = callback as? (YEvent) -> Void {
            typeObservers[t, default: []].append((nextObserverID, cb))
        }
        return ObserverToken(id: nextObserverID)
    }
}

/// Identifies a registered observer; pass it to ``YDoc/removeObserver(_:)``.
public struct ObserverToken: Hashable, Sendable {
    let id: Int
}
