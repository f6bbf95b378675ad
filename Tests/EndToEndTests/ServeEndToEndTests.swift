import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TestSupport
import Testing

@Suite("editbay serve, end to end", .serialized)
struct ServeEndToEndTests {
    @Test("register and create a project, restart on the same data dir, find the project")
    func projectSurvivesRestart() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("editbay-e2e-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let environment = ["EDITBAY_BCRYPT_COST": "4", "LOG_LEVEL": "info"]
        let arguments = ["serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir]

        let first = try ServerProcess(arguments: arguments, environment: environment)
        let port = try await first.waitForPort()
        #expect(first.log.contains(dataDir))
        let base = "http://127.0.0.1:\(port)"

        let health = try await call(.GET, "\(base)/health")
        #expect(health.status == .ok)
        #expect(health.json["database"] as? String == "ok")

        let registered = try await call(
            .POST, "\(base)/api/auth/register",
            body: ["email": "e2e@example.com", "password": "correct horse", "displayName": "E2E"]
        )
        #expect(registered.status == .created, "\(registered.json)")
        let token = try #require((registered.json["data"] as? [String: Any])?["accessToken"] as? String)
        let created = try await call(.POST, "\(base)/api/projects", body: ["name": "Survivor"], token: token)
        #expect(created.status == .created)
        let projectID = try #require((created.json["data"] as? [String: Any])?["id"] as? String)

        #expect(try await first.terminate() == 0, "\(first.log)")
        #expect(FileManager.default.fileExists(atPath: "\(dataDir)/pg/PG_VERSION"))
        #expect(!FileManager.default.fileExists(atPath: "\(dataDir)/pg/postmaster.pid"), "PostgreSQL was not stopped")

        let second = try ServerProcess(arguments: arguments, environment: environment)
        let port2 = try await second.waitForPort()
        let base2 = "http://127.0.0.1:\(port2)"
        let login = try await call(.POST, "\(base2)/api/auth/login", body: ["email": "e2e@example.com", "password": "correct horse"])
        #expect(login.status == .ok)
        let token2 = try #require((login.json["data"] as? [String: Any])?["accessToken"] as? String)
        let project = try await call(.GET, "\(base2)/api/projects/\(projectID)", token: token2)
        #expect(project.status == .ok)
        #expect((project.json["data"] as? [String: Any])?["name"] as? String == "Survivor")
        // The first run's token is still valid: the secret was kept in the data dir.
        #expect(try await call(.GET, "\(base2)/api/projects", token: token).status == .ok)
        #expect(try await second.terminate() == 0, "\(second.log)")
    }

    @Test("bad settings are refused at start with the setting's name")
    func badSettings() async throws {
        for (key, value) in [("EDITBAY_MESSAGES_PER_SECOND", "0"), ("EDITBAY_JWT_SECRET", "short"), ("LOG_LEVEL", "loud"), ("REDIS_URL", "http://cache:6379")] {
            let server = try ServerProcess(arguments: ["serve", "--port", "0", "--data-dir", "/tmp/editbay-never-\(UUID().uuidString)"], environment: [key: value])
            #expect(try await server.waitForExit() != 0)
            #expect(server.log.contains(key) || server.log.contains("EDITBAY_MAX_* / EDITBAY_MESSAGE*"), "\(server.log)")
        }
    }

    @Test("editbay version and migrate")
    func versionAndMigrate() async throws {
        let version = try ServerProcess(arguments: ["version"])
        #expect(try await version.waitForExit() == 0)
        #expect(version.log.hasPrefix("editbay "))

        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("editbay-migrate-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let migrate = try ServerProcess(arguments: ["migrate", "--data-dir", dataDir])
        #expect(try await migrate.waitForExit() == 0, "\(migrate.log)")
        #expect(migrate.log.contains("Applied migrations: 1"))
        let again = try ServerProcess(arguments: ["migrate", "--data-dir", dataDir])
        #expect(try await again.waitForExit() == 0, "\(again.log)")
        #expect(again.log.contains("up to date"))
    }

    private func call(_ method: HTTPMethod, _ url: String, body: [String: String]? = nil, token: String? = nil) async throws -> HTTP.Reply {
        try await HTTP.call(method, url, body, token: token)
    }
}
