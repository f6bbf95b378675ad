import CRDT

/// One field-level change to the document. Operations are planned as lists of writes against a
/// ``TimelineState`` and then performed in a single CRDT transaction, so a rejected operation
/// touches nothing.
enum DocumentWrite: Sendable, Hashable {
    /// Creates the entry `id` (a nested map) with these fields.
    case create(EntityCollection, id: String, fields: [String: YAny])
    /// Sets (or with nil deletes) one field of an existing entry.
    case set(EntityCollection, id: String, key: String, value: YAny?)
    /// Removes the entry.
    case remove(EntityCollection, id: String)
    /// Sets one field of `meta`.
    case setMeta(key: String, value: YAny)

    /// Performs the write on a document (inside the caller's transaction).
    func perform(on doc: YDoc) {
        switch self {
        case .create(let c, let id, let fields):
            let entry = doc.getMap(c.rawValue).setMap(id)
            for key in fields.keys.sorted() { entry.set(key, fields[key]!) }
        case .set(let c, let id, let key, let value):
            guard let entry = doc.getMap(c.rawValue).get(id)?.map else { return }
            if let value { entry.set(key, value) } else { entry.delete(key) }
        case .remove(let c, let id):
            doc.getMap(c.rawValue).delete(id)
        case .setMeta(let key, let value):
            doc.getMap("meta").set(key, value)
        }
    }
}
