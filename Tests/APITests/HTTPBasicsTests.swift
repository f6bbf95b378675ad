import HummingbirdTesting
import HTTPTypes
@testable import API
import Foundation
import Hummingbird
import Testing

@Suite("HTTP basics")
struct HTTPBasicsTests {
    @Test("GET /health checks the database")
    func health() async throws {
        try await TestApp.run { app in
            let reply = try await app.call(.get, "/health")
            #expect(reply.status == .ok)
            #expect(reply.json["status"] as? String == "ok")
            #expect(reply.json["database"] as? String == "ok")
        }
    }

    @Test("GET /metrics answers Prometheus text")
    func metrics() async throws {
        try await TestApp.run { app in
            try await app.client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
            }
        }
    }

    @Test("request ids: a sane client id is echoed, otherwise one is made; errors carry it too")
    func requestIDs() async throws {
        try await TestApp.run { app in
            let given = try await app.call(.get, "/api/nowhere", headers: [.init("X-Request-Id")!: "abc-123"])
            #expect(given.status == .notFound)
            #expect(given.errorCode == "NOT_FOUND")
            #expect(given.headers[.init("X-Request-Id")!] == "abc-123")
            #expect(given.meta["requestId"] as? String == "abc-123")

            let hostile = try await app.call(.get, "/health", headers: [.init("X-Request-Id")!: "<script>"])
            let made = try #require(hostile.headers[.init("X-Request-Id")!])
            #expect(made != "<script>")
            #expect(UUID(uuidString: made) != nil)
        }
    }

    @Test("CORS: configured origins get headers and preflights; others get none")
    func cors() async throws {
        try await TestApp.run(configure: { $0.corsOrigins = ["https://app.example.com"] }) { app in
            let preflight = try await app.call(
                .options, "/api/projects",
                headers: [.origin: "https://app.example.com", .accessControlRequestMethod: "POST"]
            )
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.accessControlAllowOrigin] == "https://app.example.com")
            #expect(preflight.headers[.accessControlAllowHeaders]?.contains("Authorization") == true)

            let allowed = try await app.call(.get, "/health", headers: [.origin: "https://app.example.com"])
            #expect(allowed.headers[.accessControlAllowOrigin] == "https://app.example.com")
            let other = try await app.call(.get, "/health", headers: [.origin: "https://evil.example.com"])
            #expect(other.headers[.accessControlAllowOrigin] == nil)
        }
    }
}
