@testable import API
import CRDT
import CollabServer
import Foundation
import HummingbirdTesting
import HummingbirdWSClient
import NIOWebSocket
import Testing
import Timeline

@Suite("Collaboration limits", .timeLimit(.minutes(2)))
struct LimitTests {
    static func withLimits(
        _ configure: (inout CollabConfiguration) -> Void,
        _ body: @escaping @Sendable (TestApp, TestApp.Account, String, Int) async throws -> Void
    ) async throws {
        var collab = CollabConfiguration()
        configure(&collab)
        try await TestApp.run(.live, collab: collab) { app in
            let owner = try await app.register("Owner")
            let project = try await app.createProject("Limits", owner: owner)
            try await body(app, owner, project, try #require(app.client.port))
        }
    }

    @Test("connections per user and project are bounded (4429)")
    func connectionsPerUser() async throws {
        try await Self.withLimits({ $0.maximumConnectionsPerUser = 1 }) { _, owner, project, port in
            try await withSyncClient(port: port, project: project, token: owner.accessToken) { first in
                try await first.handshake()
                let close = try await withSyncClient(port: port, project: project, token: owner.accessToken) { second in
                    while try await second.next() != nil {}
                }
                #expect(close?.closeCode == .unknown(4429))
                #expect(close?.reason?.hasPrefix("TOO_MANY_CONNECTIONS") == true)
            }
        }
    }

    @Test("a connection over its message rate is closed (1008); the others go on")
    func messageRate() async throws {
        try await Self.withLimits({ $0.messagesPerSecond = 1; $0.messageBurst = 5 }) { app, owner, project, port in
            let close = try await withSyncClient(port: port, project: project, token: owner.accessToken) { session in
                for _ in 0..<20 { try await session.send(.queryAwareness) }
                while try await session.next() != nil {}
            }
            #expect(close?.closeCode == .policyViolation)
            #expect(close?.reason?.hasPrefix("RATE_LIMITED") == true)
            try await withSyncClient(port: port, project: project, token: owner.accessToken) { session in
                try await session.handshake()
                #expect(session.doc.getMap("meta").get("name")?.json.stringValue == "Limits")
            }
        }
    }

    @Test("an update that would grow the document past its bound is refused (1009), nothing stored")
    func documentSize() async throws {
        try await Self.withLimits({ $0.maximumDocumentBytes = 4096 }) { app, owner, project, port in
            let close = try await withSyncClient(port: port, project: project, token: owner.accessToken) { session in
                try await session.handshake()
                try await session.edit { $0.getMap("markers").set("huge", .string(String(repeating: "x", count: 10_000))) }
                while try await session.next() != nil {}
            }
            #expect(close?.closeCode == .messageTooLarge)
            #expect(close?.reason?.hasPrefix("DOCUMENT_TOO_LARGE") == true)
            let room = try await app.registry.room(for: try #require(UUID(uuidString: project)))
            #expect(try await room.view().markers.isEmpty)
        }
    }
}
