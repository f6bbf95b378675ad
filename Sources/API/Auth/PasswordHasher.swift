import Crypto
import Foundation
import HummingbirdBcrypt
import NIOPosix

/// bcrypt password hashing, run on the thread pool (a hash takes ~250 ms at cost 12; it must never block
/// an event loop).
///
/// bcrypt reads at most 72 bytes, so the password is first reduced to its base64 SHA-256: every character
/// of a long password still counts.
struct PasswordHasher: Sendable {
    let cost: Int

    /// A hash of a password nobody has, verified when the email is unknown so that timing does not tell
    /// whether an account exists.
    static let decoy = Bcrypt.hash("decoy-password-for-unknown-accounts", cost: 4)

    func hash(_ password: String) async throws -> String {
        let input = Self.prehash(password)
        let cost = UInt8(self.cost)
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(input, cost: cost) }
    }

    func verify(_ password: String, hash: String) async throws -> Bool {
        let input = Self.prehash(password)
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(input, hash: hash) }
    }

    static func prehash(_ password: String) -> String {
        Data(SHA256.hash(data: Data(password.utf8))).base64EncodedString()
    }
}
