@testable import API
import Foundation
import HTTPTypes
import Providers
import Testing

@Suite("Replicate webhook route")
struct WebhookRouteTests {
    static let secret = "whsec_" + Data((0..<32).map { UInt8(truncatingIfNeeded: $0 &* 13) }).base64EncodedString()

    @Test("mounted with a webhook secret: a signed delivery is accepted (once, a repeat too), a forged one refused with 401")
    func signedDeliveries() async throws {
        let settings = JobSettings(
            providers: try ProviderConfiguration.fromEnvironment([
                "EDITBAY_REPLICATE_API_TOKEN": "r8_test", "EDITBAY_REPLICATE_VIDEO_MODEL": "owner/model",
                "EDITBAY_REPLICATE_WEBHOOK_SECRET": Self.secret,
            ])
        )
        try await TestApp.run(jobSettings: settings) { app in
            let body = #"{"id":"prediction-1","status":"succeeded","output":"https://example.com/out.mp4"}"#
            let timestamp = String(Int(Date().timeIntervalSince1970))
            let signature = try WebhookVerifier(secret: Self.secret).signature(id: "msg-1", timestamp: timestamp, body: Data(body.utf8))
            let headers: HTTPFields = [
                HTTPField.Name("webhook-id")!: "msg-1", HTTPField.Name("webhook-timestamp")!: timestamp,
                HTTPField.Name("webhook-signature")!: signature,
            ]
            let first = try await app.call(.post, "/api/webhooks/replicate", rawBody: body, headers: headers)
            #expect(first.status == .noContent)
            let repeated = try await app.call(.post, "/api/webhooks/replicate", rawBody: body, headers: headers)
            #expect(repeated.status == .noContent)

            var forged = headers
            forged[HTTPField.Name("webhook-signature")!] = "v1," + Data(repeating: 7, count: 32).base64EncodedString()
            let refused = try await app.call(.post, "/api/webhooks/replicate", rawBody: body, headers: forged)
            #expect(refused.status == .unauthorized)
            #expect(refused.errorCode == "WEBHOOK_BAD_SIGNATURE")
            let unsigned = try await app.call(.post, "/api/webhooks/replicate", rawBody: body)
            #expect(unsigned.status == .badRequest)
        }
    }

    @Test("without a webhook secret the route does not exist")
    func notMounted() async throws {
        try await TestApp.run { app in
            let reply = try await app.call(.post, "/api/webhooks/replicate", rawBody: "{}")
            #expect(reply.status == .notFound)
        }
    }
}
