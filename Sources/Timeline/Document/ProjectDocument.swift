import CRDT
import Foundation

/// A project's timeline: schema v1 over a CRDT ``YDoc``.
///
/// Reads go through ``state()`` and ``view()``; every edit goes through ``apply(_:origin:)``,
/// which validates a batch of ``EditOperation``s against the current document and then
/// performs all of them in one transaction (one update for peers), or throws and changes nothing.
///
/// Like `YDoc`, a `ProjectDocument` is not `Sendable`: use it from the isolation domain that owns
/// the document (for example a room actor) and hand out ``TimelineState``/``TimelineView`` values.
///
/// ```swift
/// let project = ProjectDocument.create(ProjectMeta(name: "Trailer", rate: .fps24))
/// let result = try project.apply([.addTrack(AddTrack(kind: .video))])
/// let view = try project.view()
/// ```
public final class ProjectDocument {
    /// Most operations accepted in one batch.
    public static let maxOperationsPerBatch = 1000

    /// The underlying CRDT document.
    public let doc: YDoc

    /// The last state read, dropped by the document's update observer whenever any transaction
    /// (local, remote, or a raw edit through `doc`) changes the document.
    private var cachedState: TimelineState?
    private var observer: ObserverToken?

    /// Wraps an existing document (for example one loaded from storage or synced from peers).
    public init(doc: YDoc) {
        self.doc = doc
        observer = doc.onUpdate { [weak self] _, _ in self?.cachedState = nil }
    }

    deinit {
        if let observer { doc.removeObserver(observer) }
    }

    /// Creates a new project document and writes its `meta` in one transaction.
    /// - Parameters:
    ///   - meta: the project settings.
    ///   - clientID: the CRDT client id (random by default).
    public static func create(_ meta: ProjectMeta, clientID: UInt64? = nil) -> ProjectDocument {
        let doc = YDoc(clientID: clientID)
        doc.transact {
            let m = doc.getMap("meta")
            let fields = meta.fields
            for key in fields.keys.sorted() { m.set(key, fields[key]!) }
        }
        return ProjectDocument(doc: doc)
    }

    /// Loads a project from a v1 update holding its full state.
    /// - Throws: ``TimelineError/malformedJSON`` never; ``TimelineError/notAProject`` if the update
    ///   is malformed or carries no project meta.
    public convenience init(update: [UInt8], clientID: UInt64? = nil) throws(TimelineError) {
        let doc = YDoc(clientID: clientID)
        do {
            try doc.applyUpdate(update)
        } catch {
            throw TimelineError.notAProject.with("the update is malformed (\(error.code))")
        }
        self.init(doc: doc)
        _ = try state().projectMeta()
    }

    /// A typed snapshot of the document (cached until the document next changes).
    public func state() -> TimelineState {
        if let cachedState { return cachedState }
        let s = TimelineState(doc: doc)
        cachedState = s
        return s
    }

    /// The resolved read view.
    /// - Throws: ``TimelineError/notAProject`` or ``TimelineError/unsupportedSchema``.
    public func view() throws(TimelineError) -> TimelineView { try TimelineView(state: state()) }

    /// Validates `operations` in order (each sees the effect of the earlier ones) and performs
    /// them in a single transaction. If any fails, nothing is written.
    /// - Parameters:
    ///   - operations: the batch (at most ``maxOperationsPerBatch``).
    ///   - origin: passed to the document's update observers (e.g. the connection).
    ///   - makeID: makes ids for new entities that the operation did not name (UUIDs by default).
    /// - Returns: one result per operation, with the ids it created.
    /// - Throws: ``TimelineError`` with ``TimelineError/operationIndex`` set to the failing operation.
    @discardableResult
    public func apply(
        _ operations: [EditOperation],
        origin: AnyHashable? = nil,
        makeID: @escaping () -> String = { UUID().uuidString.lowercased() }
    ) throws(TimelineError) -> [OperationResult] {
        guard operations.count <= Self.maxOperationsPerBatch else {
            throw TimelineError.tooManyOperations.with("\(operations.count) > \(Self.maxOperationsPerBatch)")
        }
        var planner = try OperationPlanner(state: state(), makeID: makeID)
        var results: [OperationResult] = []
        for (i, op) in operations.enumerated() {
            do throws(TimelineError) {
                results.append(try planner.plan(op))
            } catch {
                throw error.at(operation: i)
            }
        }
        let writes = planner.writes
        guard !writes.isEmpty else { return results }
        doc.transact(origin: origin) {
            for w in writes { w.perform(on: doc) }
        }
        // The planner's state is what the document now holds (the tests check this after every
        // operation of the convergence runs), so the next read needs no full scan.
        cachedState = planner.state
        return results
    }

    /// Applies one operation (see ``apply(_:origin:makeID:)``).
    @discardableResult
    public func apply(_ operation: EditOperation, origin: AnyHashable? = nil) throws(TimelineError) -> OperationResult {
        try apply([operation], origin: origin)[0]
    }
}

extension ProjectDocument {
    /// Creates a new project document holding everything in `view` (its meta, tracks, clips,
    /// assets and markers), in one transaction. Used by OTIO import and `timeline convert`.
    public static func create(from view: TimelineView, clientID: UInt64? = nil) -> ProjectDocument {
        let project = create(view.meta, clientID: clientID)
        let state = TimelineState(
            meta: view.meta,
            tracks: view.tracks.map(\.record),
            clips: view.tracks.flatMap(\.clips) + view.orphanClips,
            assets: view.assets,
            markers: view.markers
        )
        project.doc.transact {
            for w in state.creationWrites { w.perform(on: project.doc) }
        }
        return project
    }
}
