import Foundation

/// A registered user, as other users may see it.
public struct User: Sendable, Codable, Equatable {
    public let id: UUID
    public let email: String
    public let displayName: String
    public let createdAt: Date

    public init(id: UUID, email: String, displayName: String, createdAt: Date) {
        self.id = id
        self.email = email
        self.displayName = displayName
        self.createdAt = createdAt
    }
}

/// A member's role in a project, from most to least powerful.
public enum ProjectRole: String, Sendable, Codable, CaseIterable, Comparable {
    case owner, editor, commenter, viewer

    /// Whether the role may change the project's content.
    public var canEdit: Bool { self == .owner || self == .editor }
    /// Whether the role may add, change and remove members, and delete the project.
    public var canManage: Bool { self == .owner }

    private var rank: Int {
        switch self {
        case .owner: 3
        case .editor: 2
        case .commenter: 1
        case .viewer: 0
        }
    }

    public static func < (lhs: ProjectRole, rhs: ProjectRole) -> Bool { lhs.rank < rhs.rank }
}

/// A frame rate or other exact ratio, e.g. 30000/1001.
public struct Rational: Sendable, Codable, Equatable {
    public var num: Int
    public var den: Int

    public init(num: Int, den: Int) {
        self.num = num
        self.den = den
    }
}

/// The format of a project's timeline.
public struct ProjectSettings: Sendable, Codable, Equatable {
    public var rate: Rational
    public var width: Int
    public var height: Int
    public var sampleRate: Int

    public init(rate: Rational = Rational(num: 30, den: 1), width: Int = 1920, height: Int = 1080, sampleRate: Int = 48_000) {
        self.rate = rate
        self.width = width
        self.height = height
        self.sampleRate = sampleRate
    }
}

/// A project as seen by one user (with that user's role).
public struct Project: Sendable, Codable, Equatable {
    public let id: UUID
    public var name: String
    public var settings: ProjectSettings
    public let createdAt: Date
    public var updatedAt: Date
    public var role: ProjectRole

    public init(id: UUID, name: String, settings: ProjectSettings, createdAt: Date, updatedAt: Date, role: ProjectRole) {
        self.id = id
        self.name = name
        self.settings = settings
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.role = role
    }
}

/// One member of a project.
public struct ProjectMember: Sendable, Codable, Equatable {
    public let user: User
    public let role: ProjectRole
    public let addedAt: Date

    public init(user: User, role: ProjectRole, addedAt: Date) {
        self.user = user
        self.role = role
        self.addedAt = addedAt
    }
}

/// One page of a list.
public struct Page<Item: Sendable>: Sendable {
    public let items: [Item]
    public let total: Int

    public init(items: [Item], total: Int) {
        self.items = items
        self.total = total
    }
}
