/// The state of one shared type (root or nested) in the document's type arena.
struct TypeRecord {
    /// nil for a root that no local code has asked for yet (the binary format does not record root kinds).
    var kind: TypeKind?
    /// First item of the sequence.
    var start: Int32 = Item.none
    /// key → right-most item of that key's chain (the current value if not deleted).
    var map: [String: Int32] = [:]
    /// Visible countable length of the sequence, in units.
    var length: UInt64 = 0
    /// The ContentType item holding this type; -1 for roots and for collected types.
    var item: Int32 = Item.none
    /// The root name, for roots.
    var rootName: String?
    /// Set when the holding item was garbage-collected: the type is gone for good.
    var isCollected = false
    /// Search markers: cached (item, index) pairs for fast index → item lookups.
    var markers: [SearchMarker] = []
    /// True once a Format item was integrated.
    var hasFormatting = false

    init(kind: TypeKind?, item: Int32, rootName: String?) {
        self.kind = kind
        self.item = item
        self.rootName = rootName
    }
}

/// A cached position in a sequence: `index` = visible units before `item`.
struct SearchMarker {
    var item: Int32
    var index: UInt64
    var useCount: UInt32
}
