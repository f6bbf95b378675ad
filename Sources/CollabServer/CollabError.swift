import CRDT
import Foundation
import Logging
import Storage
import Timeline

/// Why the collaboration server refused something. `code` is stable and documented.
public struct CollabError: Error, Sendable, CustomStringConvertible {
    public let code: String
    public let message: String

    public init(code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    public static func readOnly(_ role: String) -> CollabError {
        CollabError(code: "READ_ONLY", "a \(role) cannot edit this project")
    }
    public static let roomUnavailable = CollabError(code: "ROOM_UNAVAILABLE", "the project could not be saved; reconnect to resync")
    public static let projectNotFound = CollabError(code: "PROJECT_NOT_FOUND", "no such project")

    public var description: String { "\(code): \(message)" }
}
