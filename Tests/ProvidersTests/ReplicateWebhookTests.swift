import AsyncHTTPClient
import Foundation
import Providers
import Testing

/// Webhooks the fake really sends (signed Standard-Webhooks style), verified and used to wake a poll.
@Suite struct ReplicateWebhookTests {
    /// Feeds each delivery the fake made to `receiver` until one was accepted; returns all receipts.
    private func relay(_ fake: FakeProvider, to receiver: ReplicateWebhookReceiver, expecting count: Int) async throws -> [WebhookReceipt] {
        var deliveries: [FakeProvider.Delivery] = []
        for _ in 0..<800 where deliveries.count < count {  // up to 20 s on a loaded machine
            try await Task.sleep(for: .milliseconds(25))
            deliveries = try await fake.deliveries()
        }
        return try deliveries.map { delivery in
            try receiver.receive(headers: delivery.headers, body: Data(delivery.body.utf8))
        }
    }

    @Test func duplicateWebhooksAreVerifiedAndDetected() async throws {
        try await FakeProvider.with { (fake: FakeProvider) async throws in
            let recorder = Recorder()
            let wakeups = PredictionWakeups()
            let receiver = ReplicateWebhookReceiver(verifier: try WebhookVerifier(secret: FakeProvider.webhookSecret), wakeups: wakeups)
            let output = try await fake.replicate(webhook: true, wakeups: wakeups).generate(
                GenerationRequest(kind: .video, prompt: prompt("[dupwebhook]")), context: recorder.context())
            let create = try #require(try await fake.log().first { $0.create == true })
            guard case .object(let body) = create.request else { throw FakeProvider.Failure(description: "no body") }
            #expect(body["webhook"] == .string(fake.sinkURL))
            #expect(body["webhook_events_filter"] == .array([.string("completed")]))

            let receipts = try await relay(fake, to: receiver, expecting: 2)
            #expect(receipts.count == 2)
            guard receipts.count == 2, case .accepted(let webhookID, let predictionID, let status) = receipts[0] else {
                Issue.record("the first delivery was not accepted: \(receipts)")
                return
            }
            #expect(predictionID == output.providerJobID)
            #expect(status == "succeeded")
            #expect(receipts[1] == .duplicate(webhookID: webhookID))

            let delivery = try #require(try await fake.deliveries().first)
            let wrong = try WebhookVerifier(secret: "whsec_" + Data(repeating: 1, count: 24).base64EncodedString())
            #expect(throws: WebhookError.self) { try wrong.verify(headers: delivery.headers, body: Data(delivery.body.utf8)) }
            #expect(throws: WebhookError.self) {
                try receiver.verifier.verify(headers: delivery.headers, body: Data((delivery.body + " ").utf8))
            }
        }
    }

    /// Polls every 60 s with a 20 s deadline: only the webhook's wake can make this succeed.
    @Test func aWebhookWakesTheWaitingPoll() async throws {
        try await FakeProvider.with { (fake: FakeProvider) async throws in
            let wakeups = PredictionWakeups()
            let receiver = ReplicateWebhookReceiver(verifier: try WebhookVerifier(secret: FakeProvider.webhookSecret), wakeups: wakeups)
            let provider = fake.replicate(webhook: true, poll: .seconds(60), timeout: .seconds(20), wakeups: wakeups)
            let recorder = Recorder()
            let output = try await withThrowingTaskGroup(of: GeneratedOutput?.self) { group in
                group.addTask {
                    try await provider.generate(GenerationRequest(kind: .video, prompt: prompt("[delay=200]")), context: recorder.context())
                }
                group.addTask {
                    _ = try await relay(fake, to: receiver, expecting: 1)
                    return nil
                }
                var result: GeneratedOutput?
                for try await value in group { if let value { result = value } }
                return result
            }
            let id = try #require(output?.providerJobID)
            #expect(try await fake.prediction(id)["polls"] == .number(1))  // one poll, right after the wake
        }
    }
}
