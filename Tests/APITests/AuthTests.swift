@testable import API
import Foundation
import Hummingbird
import Storage
import TestSupport
import Testing

@Suite("Auth")
struct AuthTests {
    @Test("register answers the user and a token pair; the email is normalised")
    func register() async throws {
        try await TestApp.run { app in
            let reply = try await app.call(
                .post, "/api/auth/register",
                json: ["email": "  Alice@Example.COM ", "password": "correct horse", "displayName": "Alice"]
            )
            #expect(reply.status == .created)
            #expect(reply.json["status"] as? String == "success")
            let user = try #require(reply.data["user"] as? [String: Any])
            #expect(user["email"] as? String == "alice@example.com")
            #expect(user["displayName"] as? String == "Alice")
            #expect(user["passwordHash"] == nil)
            #expect((reply.data["accessToken"] as? String)?.split(separator: ".").count == 3)
            #expect(reply.meta["requestId"] as? String != nil)

            let again = try await app.call(
                .post, "/api/auth/register",
                json: ["email": "ALICE@example.com", "password": "another one", "displayName": "Alice 2"]
            )
            #expect(again.status == .conflict)
            #expect(again.errorCode == "EMAIL_TAKEN")
            #expect(again.errorField == "email")
        }
    }

    @Test(
        "validation errors name the field",
        arguments: [
            (["email": "not-an-email", "password": "long enough", "displayName": "A"], "email"),
            (["email": "a@example.com", "password": "short", "displayName": "A"], "password"),
            (["email": "a@example.com", "password": String(repeating: "p", count: 129), "displayName": "A"], "password"),
            (["email": "a@example.com", "password": "long enough", "displayName": "   "], "displayName"),
            (["password": "long enough", "displayName": "A"], "email"),
        ]
    )
    func validation(body: [String: String], field: String) async throws {
        try await TestApp.run { app in
            let reply = try await app.call(.post, "/api/auth/register", json: body)
            #expect(reply.status == .badRequest)
            #expect(reply.errorCode == "VALIDATION_FAILED")
            #expect(reply.errorField == field)
        }
    }

    @Test("malformed JSON is a 400 in the error envelope")
    func malformedJSON() async throws {
        try await TestApp.run { app in
            let reply = try await app.call(.post, "/api/auth/login", rawBody: "{\"email\": ")
            #expect(reply.status == .badRequest)
            #expect(reply.json["status"] as? String == "error")
            #expect(reply.errorCode == "BAD_REQUEST")
        }
    }

    @Test("login with the right password, and not with a wrong one or an unknown email")
    func login() async throws {
        try await TestApp.run { app in
            let alice = try await app.register("Alice")
            let ok = try await app.call(.post, "/api/auth/login", json: ["email": alice.email.uppercased(), "password": "correct horse"])
            #expect(ok.status == .ok)
            #expect((ok.data["user"] as? [String: Any])?["id"] as? String == alice.id)

            let wrong = try await app.call(.post, "/api/auth/login", json: ["email": alice.email, "password": "wrong horse"])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.errorCode == "INVALID_CREDENTIALS")

            let unknown = try await app.call(.post, "/api/auth/login", json: ["email": "nobody@example.com", "password": "whatever1"])
            #expect(unknown.status == .unauthorized)
            #expect(unknown.errorCode == "INVALID_CREDENTIALS")
        }
    }

    @Test("login attempts are rate-limited per email")
    func rateLimit() async throws {
        try await TestApp.run(configure: { $0.loginAttemptsPerEmail = 3 }) { app in
            let alice = try await app.register("Alice")
            for _ in 0..<3 {
                let reply = try await app.call(.post, "/api/auth/login", json: ["email": alice.email, "password": "wrong horse"])
                #expect(reply.errorCode == "INVALID_CREDENTIALS")
            }
            let limited = try await app.call(.post, "/api/auth/login", json: ["email": alice.email, "password": "correct horse"])
            #expect(limited.status == .tooManyRequests)
            #expect(limited.errorCode == "RATE_LIMITED")
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 > 0)

            // Another email from the same client is still allowed (its own budget).
            let bob = try await app.register("Bob")
            let other = try await app.call(.post, "/api/auth/login", json: ["email": bob.email, "password": "correct horse"])
            #expect(other.status == .ok)
        }
    }

    @Test("login attempts are rate-limited per client address")
    func rateLimitPerIP() async throws {
        try await TestApp.run(configure: { $0.loginAttemptsPerIP = 2 }) { app in
            for index in 0..<2 {
                let reply = try await app.call(.post, "/api/auth/login", json: ["email": "user\(index)@example.com", "password": "wrong horse"])
                #expect(reply.errorCode == "INVALID_CREDENTIALS")
            }
            let limited = try await app.call(.post, "/api/auth/login", json: ["email": "user9@example.com", "password": "wrong horse"])
            #expect(limited.errorCode == "RATE_LIMITED")
        }
    }

    @Test("refresh rotates the token; reusing a rotated token revokes its family")
    func refreshRotationAndReuse() async throws {
        try await TestApp.run { app in
            let alice = try await app.register("Alice")
            let first = try await app.call(.post, "/api/auth/refresh", json: ["refreshToken": alice.refreshToken])
            #expect(first.status == .ok)
            let rotated = try #require(first.data["refreshToken"] as? String)
            #expect(rotated != alice.refreshToken)
            let access = try #require(first.data["accessToken"] as? String)
            #expect(try await app.call(.get, "/api/auth/me", token: access).status == .ok)

            // The old token again: theft detected, the whole family is revoked.
            let reused = try await app.call(.post, "/api/auth/refresh", json: ["refreshToken": alice.refreshToken])
            #expect(reused.status == .unauthorized)
            #expect(reused.errorCode == "TOKEN_REUSED")
            let afterReuse = try await app.call(.post, "/api/auth/refresh", json: ["refreshToken": rotated])
            #expect(afterReuse.status == .unauthorized)
            #expect(afterReuse.errorCode == "TOKEN_REVOKED")

            // A new login starts a new family that works.
            let login = try await app.call(.post, "/api/auth/login", json: ["email": alice.email, "password": "correct horse"])
            let fresh = try #require(login.data["refreshToken"] as? String)
            #expect(try await app.call(.post, "/api/auth/refresh", json: ["refreshToken": fresh]).status == .ok)
        }
    }

    @Test("an expired refresh token and an unknown one are refused")
    func refreshExpiredAndUnknown() async throws {
        try await TestApp.run { app in
            let alice = try await app.register("Alice")
            let stale = app.tokens.newRefreshToken()
            try await app.database.refreshTokens.insert(
                userID: try #require(UUID(uuidString: alice.id)),
                familyID: UUID(),
                tokenHash: stale.hash,
                expiresAt: Date().addingTimeInterval(-60)
            )
            let expired = try await app.call(.post, "/api/auth/refresh", json: ["refreshToken": stale.token])
            #expect(expired.status == .unauthorized)
            #expect(expired.errorCode == "TOKEN_EXPIRED")

            let unknown = try await app.call(.post, "/api/auth/refresh", json: ["refreshToken": "not-a-token"])
            #expect(unknown.errorCode == "INVALID_REFRESH_TOKEN")

            let missing = try await app.call(.post, "/api/auth/refresh", json: [:])
            #expect(missing.errorCode == "VALIDATION_FAILED")
            #expect(missing.errorField == "refreshToken")
        }
    }

    @Test("logout revokes the session's refresh token")
    func logout() async throws {
        try await TestApp.run { app in
            let alice = try await app.register("Alice")
            let reply = try await app.call(.post, "/api/auth/logout", json: ["refreshToken": alice.refreshToken])
            #expect(reply.status == .ok)
            #expect(reply.json.keys.contains("data"))
            let after = try await app.call(.post, "/api/auth/refresh", json: ["refreshToken": alice.refreshToken])
            #expect(after.errorCode == "TOKEN_REVOKED")
        }
    }

    @Test("access tokens: missing, malformed, forged and expired ones are refused with their own codes")
    func accessTokens() async throws {
        try await TestApp.run { app in
            let alice = try await app.register("Alice")
            let me = try await app.call(.get, "/api/auth/me", token: alice.accessToken)
            #expect(me.data["id"] as? String == alice.id)

            let missing = try await app.call(.get, "/api/auth/me")
            #expect(missing.status == .unauthorized)
            #expect(missing.errorCode == "UNAUTHORIZED")
            #expect(missing.headers[.wwwAuthenticate] == "Bearer")

            let garbage = try await app.call(.get, "/api/auth/me", token: "abc.def.ghi")
            #expect(garbage.errorCode == "INVALID_TOKEN")

            let forger = await TokenService(secret: String(repeating: "x", count: 40), accessTokenLifetime: 900, refreshTokenLifetime: 900)
            let forged = try await forger.accessToken(for: try #require(UUID(uuidString: alice.id)))
            #expect(try await app.call(.get, "/api/auth/me", token: forged).errorCode == "INVALID_TOKEN")

            let old = try await app.tokens.accessToken(for: try #require(UUID(uuidString: alice.id)), now: Date().addingTimeInterval(-3600))
            let expired = try await app.call(.get, "/api/auth/me", token: old)
            #expect(expired.status == .unauthorized)
            #expect(expired.errorCode == "TOKEN_EXPIRED")

            let query = try await app.call(.get, "/api/auth/me?token=\(alice.accessToken)")
            #expect(query.status == .ok)
        }
    }
}
