import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Storage

/// `POST /api/auth/register|login|refresh|logout` and `GET /api/auth/me`.
struct AuthController: Sendable {
    let database: Database
    let tokens: TokenService
    let passwords: PasswordHasher
    let rateLimiter: LoginRateLimiter

    struct RegisterInput: Decodable { let email: String?; let password: String?; let displayName: String? }
    struct LoginInput: Decodable { let email: String?; let password: String? }
    struct RefreshInput: Decodable { let refreshToken: String? }

    /// What register, login and refresh answer.
    struct Session: Encodable, Sendable {
        let user: UserView
        let accessToken: String
        let refreshToken: String
        let tokenType = "Bearer"
        let expiresIn: Int
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>, authenticated: RouterGroup<AppRequestContext>) {
        group.post("register", use: register)
        group.post("login", use: login)
        group.post("refresh", use: refresh)
        group.post("logout", use: logout)
        authenticated.get("me", use: me)
    }

    @Sendable func register(_ request: Request, context: AppRequestContext) async throws -> Envelope<Session> {
        let input = try await request.decode(as: RegisterInput.self, context: context)
        let email = try Validation.email(input.email)
        let password = try Validation.password(input.password)
        let displayName = try Validation.name(input.displayName, field: "displayName", maximum: 100)
        let hash = try await passwords.hash(password)
        let user: User
        do {
            user = try await database.users.create(email: email, displayName: displayName, passwordHash: hash)
        } catch let error as StorageError where error.code == .uniqueViolation {
            throw APIError(.conflict, code: "EMAIL_TAKEN", "an account with this email exists", field: "email")
        }
        context.logger.info("user registered", metadata: ["user": "\(user.id)"])
        return Envelope(try await startSession(for: user), message: "registered", status: .created, context: context)
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Envelope<Session> {
        let input = try await request.decode(as: LoginInput.self, context: context)
        let email = try Validation.email(input.email)
        guard let password = input.password, !password.isEmpty else { throw APIError.validation("password", "password is required") }
        if let wait = await rateLimiter.attempt(email: email, ip: context.clientAddress) {
            throw APIError(
                .tooManyRequests,
                code: "RATE_LIMITED",
                "too many login attempts; try again in \(wait) seconds",
                details: ["retryAfter": "\(wait)"],
                headers: [.retryAfter: "\(wait)"]
            )
        }
        let credentials = try await database.users.credentials(email: email)
        let valid = try await passwords.verify(password, hash: credentials?.passwordHash ?? PasswordHasher.decoy)
        guard let credentials, valid else {
            throw APIError(.unauthorized, code: "INVALID_CREDENTIALS", "email or password is wrong")
        }
        await rateLimiter.succeeded(email: email)
        return Envelope(try await startSession(for: credentials.user), message: "signed in", context: context)
    }

    @Sendable func refresh(_ request: Request, context: AppRequestContext) async throws -> Envelope<Session> {
        let presented = try await refreshToken(in: request, context: context)
        let next = tokens.newRefreshToken()
        let rotation = try await database.refreshTokens.rotate(
            tokenHash: TokenService.hash(presented),
            nextTokenHash: next.hash,
            nextExpiresAt: next.expiresAt
        )
        switch rotation {
        case .rotated(let userID, _):
            guard let user = try await database.users.find(id: userID) else {
                throw APIError(.unauthorized, code: "INVALID_REFRESH_TOKEN", "the refresh token is not valid")
            }
            let session = Session(
                user: UserView(user),
                accessToken: try await tokens.accessToken(for: user.id),
                refreshToken: next.token,
                expiresIn: Int(tokens.accessTokenLifetime)
            )
            return Envelope(session, message: "refreshed", context: context)
        case .unknown:
            throw APIError(.unauthorized, code: "INVALID_REFRESH_TOKEN", "the refresh token is not valid")
        case .revoked:
            throw APIError(.unauthorized, code: "TOKEN_REVOKED", "this session was signed out; sign in again")
        case .expired:
            throw APIError(.unauthorized, code: "TOKEN_EXPIRED", "the refresh token has expired; sign in again")
        case .reused:
            context.logger.warning("refresh token reused: family revoked")
            throw APIError(
                .unauthorized,
                code: "TOKEN_REUSED",
                "this refresh token was already used; every session of its login is now revoked, sign in again"
            )
        }
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Envelope<NoData> {
        let presented = try await refreshToken(in: request, context: context)
        try await database.refreshTokens.revokeFamily(ofTokenHash: TokenService.hash(presented))
        return Envelope(NoData(), message: "signed out", context: context)
    }

    @Sendable func me(_ request: Request, context: AppRequestContext) async throws -> Envelope<UserView> {
        guard let user = try await database.users.find(id: try context.requireUser().id) else {
            throw APIError(.unauthorized, code: "INVALID_TOKEN", "the account of this token no longer exists")
        }
        return Envelope(UserView(user), context: context)
    }

    private func refreshToken(in request: Request, context: AppRequestContext) async throws -> String {
        let input = try await request.decode(as: RefreshInput.self, context: context)
        guard let token = input.refreshToken, !token.isEmpty, token.utf8.count <= 256 else {
            throw APIError.validation("refreshToken", "refreshToken is required")
        }
        return token
    }

    private func startSession(for user: User) async throws -> Session {
        let refresh = tokens.newRefreshToken()
        try await database.refreshTokens.insert(userID: user.id, familyID: UUID(), tokenHash: refresh.hash, expiresAt: refresh.expiresAt)
        return Session(
            user: UserView(user),
            accessToken: try await tokens.accessToken(for: user.id),
            refreshToken: refresh.token,
            expiresIn: Int(tokens.accessTokenLifetime)
        )
    }
}
