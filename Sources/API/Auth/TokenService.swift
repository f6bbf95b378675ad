import Crypto
import Foundation
import HTTPTypes
import JWTKit

/// Issues and checks tokens.
///
/// Access tokens are short-lived HS256 JWTs. Refresh tokens are 256 random bits, handed to the client
/// base64url-encoded and stored only as their SHA-256.
public struct TokenService: Sendable {
    let keys: JWTKeyCollection
    let accessTokenLifetime: TimeInterval
    let refreshTokenLifetime: TimeInterval

    public init(secret: String, accessTokenLifetime: Int, refreshTokenLifetime: Int) async {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        self.keys = keys
        self.accessTokenLifetime = TimeInterval(accessTokenLifetime)
        self.refreshTokenLifetime = TimeInterval(refreshTokenLifetime)
    }

    /// A signed access token for `userID`.
    func accessToken(for userID: UUID, now: Date = Date()) async throws -> String {
        let payload = AccessTokenPayload(
            sub: SubjectClaim(value: userID.uuidString.lowercased()),
            exp: ExpirationClaim(value: now.addingTimeInterval(accessTokenLifetime)),
            iat: IssuedAtClaim(value: now),
            typ: "access"
        )
        return try await keys.sign(payload)
    }

    /// The user an access token was issued to.
    /// - Throws: ``APIError`` `TOKEN_EXPIRED` or `INVALID_TOKEN`.
    func verifyAccessToken(_ token: String) async throws(APIError) -> UUID {
        let payload: AccessTokenPayload
        do {
            payload = try await keys.verify(token, as: AccessTokenPayload.self)
        } catch let error as JWTError where error.errorType == .claimVerificationFailure && error.failedClaim is ExpirationClaim {
            throw APIError(.unauthorized, code: "TOKEN_EXPIRED", "the access token has expired; refresh it", headers: [.wwwAuthenticate: "Bearer"])
        } catch {
            throw APIError(.unauthorized, code: "INVALID_TOKEN", "the access token is not valid", headers: [.wwwAuthenticate: "Bearer"])
        }
        guard let id = UUID(uuidString: payload.sub.value) else {
            throw APIError(.unauthorized, code: "INVALID_TOKEN", "the access token is not valid", headers: [.wwwAuthenticate: "Bearer"])
        }
        return id
    }

    /// A new refresh token and the hash to store for it.
    func newRefreshToken() -> (token: String, hash: [UInt8], expiresAt: Date) {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        let token = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return (token, Self.hash(token), Date().addingTimeInterval(refreshTokenLifetime))
    }

    /// The stored form of a refresh token.
    static func hash(_ token: String) -> [UInt8] {
        Array(SHA256.hash(data: Data(token.utf8)))
    }
}
