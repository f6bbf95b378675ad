import Foundation
import JWTKit

/// The claims of an access token: who (`sub`, a user id), until when (`exp`), since when (`iat`).
struct AccessTokenPayload: JWTPayload {
    var sub: SubjectClaim
    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    /// Always "access": a refresh token is never a JWT, but this keeps other HS256 tokens signed with the same
    /// secret from passing as access tokens.
    var typ: String

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
        guard typ == "access" else { throw JWTError.claimVerificationFailure(failedClaim: nil, reason: "not an access token") }
    }
}
