import Foundation
import Providers
import Testing

@Suite struct WebhookVerifierTests {
    /// The test vector of the Standard Webhooks specification.
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    let id = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    let timestamp = "1614265330"
    let body = Data(#"{"test": 2432232314}"#.utf8)
    let signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    var sent: Date { Date(timeIntervalSince1970: 1_614_265_330) }

    private func code(_ body: () throws -> VerifiedWebhook) -> WebhookError.Code? {
        do {
            _ = try body()
            return nil
        } catch let error as WebhookError {
            return error.code
        } catch {
            Issue.record("not a WebhookError: \(error)")
            return nil
        }
    }

    @Test func acceptsTheSpecificationVector() throws {
        let verifier = try WebhookVerifier(secret: secret)
        let webhook = try verifier.verify(id: id, timestamp: timestamp, signature: signature, body: body, now: sent)
        #expect(webhook.id == id)
        #expect(webhook.timestamp == sent)
        #expect(verifier.signature(id: id, timestamp: timestamp, body: body) == signature)
    }

    @Test func headersAreMatchedCaseInsensitively() throws {
        let headers = ["Webhook-Id": id, "WEBHOOK-TIMESTAMP": timestamp, "webhook-signature": signature]
        #expect(try WebhookVerifier(secret: secret).verify(headers: headers, body: body, now: sent).id == id)
    }

    @Test func refusesAWrongSecret() throws {
        let verifier = try WebhookVerifier(secret: "whsec_" + Data(repeating: 7, count: 24).base64EncodedString())
        #expect(code { try verifier.verify(id: id, timestamp: timestamp, signature: signature, body: body, now: sent) } == .badSignature)
    }

    @Test func refusesAChangedBodyOrID() throws {
        let verifier = try WebhookVerifier(secret: secret)
        #expect(code { try verifier.verify(id: id, timestamp: timestamp, signature: signature, body: Data("{}".utf8), now: sent) } == .badSignature)
        #expect(code { try verifier.verify(id: "msg_other", timestamp: timestamp, signature: signature, body: body, now: sent) } == .badSignature)
    }

    @Test(arguments: [-301.0, 301.0, -86_400.0])
    func refusesTimestampsOutsideTheTolerance(offset: Double) throws {
        let verifier = try WebhookVerifier(secret: secret)
        let now = sent.addingTimeInterval(-offset)
        #expect(code { try verifier.verify(id: id, timestamp: timestamp, signature: signature, body: body, now: now) } == .staleTimestamp)
    }

    @Test func acceptsTimestampsInsideTheTolerance() throws {
        let verifier = try WebhookVerifier(secret: secret)
        for offset in [-299.0, 299.0] {
            #expect(code { try verifier.verify(id: id, timestamp: timestamp, signature: signature, body: body, now: sent.addingTimeInterval(offset)) } == nil)
        }
    }

    @Test func acceptsOneMatchingSignatureAmongSeveral() throws {
        let verifier = try WebhookVerifier(secret: secret)
        let several = "v1,Zm9vYmFy v2,\(signature.dropFirst(3)) \(signature) v1,notbase64!"
        #expect(code { try verifier.verify(id: id, timestamp: timestamp, signature: several, body: body, now: sent) } == nil)
        let noneMatching = "v1,Zm9vYmFy v2,\(signature.dropFirst(3))"
        #expect(code { try verifier.verify(id: id, timestamp: timestamp, signature: noneMatching, body: body, now: sent) } == .badSignature)
    }

    @Test func refusesMissingHeadersAndBadSecrets() throws {
        let verifier = try WebhookVerifier(secret: secret)
        #expect(code { try verifier.verify(id: nil, timestamp: timestamp, signature: signature, body: body, now: sent) } == .missingHeaders)
        #expect(code { try verifier.verify(id: id, timestamp: "yesterday", signature: signature, body: body, now: sent) } == .missingHeaders)
        #expect(code { try verifier.verify(id: id, timestamp: timestamp, signature: nil, body: body, now: sent) } == .missingHeaders)
        #expect(throws: WebhookError.self) { try WebhookVerifier(secret: "whsec_not base64!") }
    }

    @Test func theReplayGuardDetectsDuplicates() {
        let guardian = WebhookReplayGuard()
        #expect(guardian.firstDelivery(of: "msg_1"))
        #expect(guardian.firstDelivery(of: "msg_2"))
        #expect(!guardian.firstDelivery(of: "msg_1"))
    }

    @Test func theReceiverWakesOnceAndReportsDuplicates() throws {
        let verifier = try WebhookVerifier(secret: secret)
        let receiver = ReplicateWebhookReceiver(verifier: verifier, wakeups: PredictionWakeups())
        let payload = Data(#"{"id":"p1","status":"succeeded"}"#.utf8)
        let now = Date()
        let stamp = String(Int(now.timeIntervalSince1970))
        let headers = ["webhook-id": "msg_9", "webhook-timestamp": stamp,
                       "webhook-signature": verifier.signature(id: "msg_9", timestamp: stamp, body: payload)]
        #expect(try receiver.receive(headers: headers, body: payload, now: now) == .accepted(webhookID: "msg_9", predictionID: "p1", status: "succeeded"))
        #expect(try receiver.receive(headers: headers, body: payload, now: now) == .duplicate(webhookID: "msg_9"))
    }
}

