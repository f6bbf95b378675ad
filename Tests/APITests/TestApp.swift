@testable import API
import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWebSocket
import Logging
import NIOCore
import Prometheus
import Storage
import CollabServer
import TestSupport
import Testing

/// The API router on a fresh database, driven without sockets.
struct TestApp {
    let client: any TestClientProtocol
    let database: Database
    let tokens: TokenService
    let registry: RoomRegistry
    let blobs: BlobStore
    let jobs: JobRuntime

    static let secret = "test-secret-that-is-at-least-32-bytes-long"

    static func run(
        _ setup: TestingSetup = .router,
        configure: @Sendable (inout ServerConfiguration) -> Void = { _ in },
        collab: CollabConfiguration = CollabConfiguration(),
        jobSettings: JobSettings = JobSettings(),
        _ body: @escaping @Sendable (TestApp) async throws -> Void
    ) async throws {
        try await TestDatabase.withFreshDatabase { database, _ in
            var configuration = ServerConfiguration()
            configuration.bcryptCost = 4
            configure(&configuration)
            let tokens = await TokenService(
                secret: secret,
                accessTokenLifetime: configuration.accessTokenLifetime,
                refreshTokenLifetime: configuration.refreshTokenLifetime
            )
            let registry = RoomRegistry(database: database, configuration: collab, logger: TestDatabase.logger)
            let blobDirectory = NSTemporaryDirectory() + "editbay-test-blobs-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: blobDirectory) }
            let blobs = try BlobStore(root: blobDirectory)
            let jobs = JobRuntime(
                settings: jobSettings, database: database, registry: registry, blobs: blobs, scratchDirectory: blobs.root + "/tmp",
                logger: TestDatabase.logger
            )
            let router = buildRouter(
                database: database, tokens: tokens, configuration: configuration, metrics: PrometheusCollectorRegistry(),
                registry: registry, collab: collab, blobs: blobs, jobs: jobs
            )
            let app = Application(
                router: router,
                server: collabServer(database: database, tokens: tokens, registry: registry, collab: collab),
                logger: TestDatabase.logger
            )
            try await app.test(setup) { client in
                try await body(TestApp(client: client, database: database, tokens: tokens, registry: registry, blobs: blobs, jobs: jobs))
            }
        }
    }

    /// A decoded answer: status, headers and the JSON body.
    struct Reply: @unchecked Sendable {  // JSON trees from JSONSerialization are immutable here.
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let json: [String: Any]

        var data: [String: Any] { json["data"] as? [String: Any] ?? [:] }
        var list: [[String: Any]] { json["data"] as? [[String: Any]] ?? [] }
        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
        var errorField: String? { (json["error"] as? [String: Any])?["field"] as? String }
        var meta: [String: Any] { json["meta"] as? [String: Any] ?? [:] }
    }

    /// Sends a request with an optional JSON body and bearer token.
    func call(
        _ method: HTTPRequest.Method,
        _ uri: String,
        json: [String: Any]? = nil,
        rawBody: String? = nil,
        bytes: [UInt8]? = nil,
        token: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> Reply {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        var body: ByteBuffer?
        if let json {
            headers[.contentType] = "application/json"
            body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json))
        } else if let rawBody {
            headers[.contentType] = "application/json"
            body = ByteBuffer(string: rawBody)
        } else if let bytes {
            body = ByteBuffer(bytes: bytes)
        }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body) { response in
            let object = (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any]
            return Reply(status: response.status, headers: response.headers, json: object ?? [:])
        }
    }

    /// Sends a GET and returns the raw answer (media, files).
    func download(_ uri: String, token: String?, headers extra: HTTPFields = [:]) async throws -> (status: HTTPResponse.Status, headers: HTTPFields, body: [UInt8]) {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(uri: uri, method: .get, headers: headers, body: nil) { response in
            (response.status, response.headers, Array(response.body.readableBytesView))
        }
    }

    /// A signed-in user.
    struct Account: Sendable {
        let id: String
        let email: String
        let accessToken: String
        let refreshToken: String
    }

    func register(_ name: String) async throws -> Account {
        let email = "\(name.lowercased())-\(UUID().uuidString.prefix(8))@example.com"
        let reply = try await call(.post, "/api/auth/register", json: ["email": email, "password": "correct horse", "displayName": name])
        #expect(reply.status == .created, "register failed: \(reply.json)")
        return try Self.account(from: reply, email: email)
    }

    static func account(from reply: Reply, email: String) throws -> Account {
        let user = try #require(reply.data["user"] as? [String: Any])
        return Account(
            id: try #require(user["id"] as? String),
            email: email,
            accessToken: try #require(reply.data["accessToken"] as? String),
            refreshToken: try #require(reply.data["refreshToken"] as? String)
        )
    }

    /// Creates a project owned by `owner`; returns its id.
    func createProject(_ name: String, owner: Account) async throws -> String {
        let reply = try await call(.post, "/api/projects", json: ["name": name], token: owner.accessToken)
        #expect(reply.status == .created)
        return try #require(reply.data["id"] as? String)
    }

    /// Adds `member` to the project with `role`.
    func addMember(_ member: Account, role: String, project: String, by owner: Account) async throws {
        let reply = try await call(.post, "/api/projects/\(project)/members", json: ["userId": member.id, "role": role], token: owner.accessToken)
        #expect(reply.status == .created, "add member failed: \(reply.json)")
    }
}
