/// One struct of the store: an Item (content with position) or a GC struct (collected range).
///
/// Items live in the document's arena (`DocStore.items`) and refer to each other by `Int32`
/// indices (-1 = none), which keeps the integration and lookup loops free of reference counting.
struct Item {
    static let none: Int32 = -1

    static let deletedFlag: UInt8 = 1
    static let keepFlag: UInt8 = 2
    static let gcFlag: UInt8 = 4
    static let countableFlag: UInt8 = 8

    var id: ID
    var length: UInt64
    /// The ID of the unit to the left at creation time.
    var origin: ID?
    /// The ID of the unit to the right at creation time.
    var rightOrigin: ID?
    var left: Int32 = Item.none
    var right: Int32 = Item.none
    /// The type this item belongs to (index in `DocStore.types`); -1 for GC structs.
    var parent: Int32 = Item.none
    /// The map key, for map entries.
    var parentSub: String?
    var content: ItemContent
    var flags: UInt8

    init(id: ID, length: UInt64, origin: ID?, rightOrigin: ID?, parent: Int32, parentSub: String?, content: ItemContent) {
        self.id = id
        self.length = length
        self.origin = origin
        self.rightOrigin = rightOrigin
        self.parent = parent
        self.parentSub = parentSub
        self.content = content
        self.flags = content.isCountable ? Item.countableFlag : 0
    }

    /// A GC struct covering `length` clock values.
    static func gc(id: ID, length: UInt64) -> Item {
        var i = Item(id: id, length: length, origin: nil, rightOrigin: nil, parent: none, parentSub: nil, content: .deleted(length))
        i.flags = gcFlag | deletedFlag
        return i
    }

    @inline(__always) var isDeleted: Bool { flags & Item.deletedFlag != 0 }
    @inline(__always) var isGC: Bool { flags & Item.gcFlag != 0 }
    @inline(__always) var isCountable: Bool { flags & Item.countableFlag != 0 }
    @inline(__always) var keep: Bool { flags & Item.keepFlag != 0 }
    /// Countable and not deleted: contributes to the parent's length.
    @inline(__always) var isVisible: Bool { flags & (Item.deletedFlag | Item.countableFlag) == Item.countableFlag }
    /// The ID of the last unit.
    @inline(__always) var lastID: ID { ID(client: id.client, clock: id.clock &+ length &- 1) }
    /// One past the last clock.
    @inline(__always) var endClock: UInt64 { id.clock &+ length }
}
