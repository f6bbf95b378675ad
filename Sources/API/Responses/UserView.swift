import Foundation
import Storage

/// A user in the API: never the password hash.
struct UserView: Encodable, Sendable {
    let id: String
    let email: String
    let displayName: String
    let createdAt: Date

    init(_ user: User) {
        id = user.id.apiString
        email = user.email
        displayName = user.displayName
        createdAt = user.createdAt
    }
}

extension UUID {
    /// Ids in JSON are lower-case UUID strings (Foundation's default is upper-case).
    var apiString: String { uuidString.lowercased() }
}
