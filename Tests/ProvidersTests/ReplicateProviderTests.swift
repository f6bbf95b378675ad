import AsyncHTTPClient
import Foundation
import Providers
import Synchronization
import Testing

/// ReplicateProvider against the fake over real HTTP on 127.0.0.1.
@Suite struct ReplicateProviderTests {
    @Test func generatesAVideoSavingTheIDBeforeThePoll() async throws {
        try await FakeProvider.with { (fake: FakeProvider) async throws in
            let recorder = Recorder()
            let frame = recorder.directory.appendingPathComponent("first.png")
            try Data([0x89, 0x50, 0x4E, 0x47, 1, 2, 3]).write(to: frame)
            let pollsAtSave = Mutex<[Int]>([])
            let context = recorder.context { state in
                let record = try await fake.prediction(state.providerJobID)
                if case .number(let polls) = record["polls"] { pollsAtSave.withLock { $0.append(Int(polls)) } }
            }
            let text = prompt()
            let request = GenerationRequest(
                kind: .video, prompt: text, durationSeconds: 2, width: 1280, height: 720, fps: 24, firstFramePath: frame.path,
                parameters: ["seed": .number(7), "fps": .null])
            let output = try await fake.replicate().generate(request, context: context)

            let saved = recorder.saved.withLock { $0 }
            #expect(saved.count == 1)
            #expect(saved.first?.providerJobID == output.providerJobID)
            #expect(pollsAtSave.withLock { $0 } == [0])  // saved before the first poll
            #expect(output.mediaType == "video/mp4")
            #expect(output.providerID == "replicate")
            let bytes = try Data(contentsOf: output.file)
            #expect(bytes.count == Int(output.byteCount))
            #expect(String(decoding: bytes.prefix(12).suffix(8), as: UTF8.self) == "ftypmp42")
            #expect(output.file.deletingLastPathComponent().path == recorder.directory.path)
            #expect(output.metadata["prediction_id"] == .string(output.providerJobID ?? ""))
            #expect(recorder.statuses.first == "starting")
            #expect(recorder.statuses.contains("downloading"))

            let creates = try await fake.creates(text)
            #expect(creates.count == 1)
            #expect(creates.first?.path == "/v1/models/fake-owner/fake-video/predictions")
            guard case .object(let body) = creates.first?.request, case .object(let input) = body["input"] else {
                Issue.record("no create body")
                return
            }
            #expect(input["prompt"] == .string(text))
            #expect(input["duration"] == .number(2))
            #expect(input["width"] == .number(1280))
            #expect(input["seed"] == .number(7))
            #expect(input["fps"] == nil)  // a null parameter removes the derived key
            #expect(input["first_frame_image"] == .string("data:image/png;base64," + Data([0x89, 0x50, 0x4E, 0x47, 1, 2, 3]).base64EncodedString()))
            #expect(body["webhook"] == nil)
        }
    }

    @Test func aVersionedModelIsCreatedWithVersion() async throws {
        try await FakeProvider.with { (fake: FakeProvider) async throws in
            let text = prompt()
            _ = try await fake.replicate(videoModel: "owner/model:abc123").generate(
                GenerationRequest(kind: .video, prompt: text), context: Recorder().context())
            let create = try #require(try await fake.creates(text).first)
            #expect(create.path == "/v1/predictions")
            guard case .object(let body) = create.request else { throw FakeProvider.Failure(description: "no body") }
            #expect(body["version"] == .string("owner/model:abc123"))
        }
    }

    @Test func rateLimitedCreateWaitsRetryAfterThenSucceeds() async throws {
        try await FakeProvider.with { (fake: FakeProvider) async throws in
            let text = prompt("[create429=1] [retry_after=1]")
            let output = try await fake.replicate().generate(GenerationRequest(kind: .video, prompt: text), context: Recorder().context())
            #expect(output.byteCount > 0)
            let creates = try await fake.creates(text)
            #expect(creates.count == 2)
            if creates.count == 2 { #expect(creates[1].t - creates[0].t >= 0.9) }  // Retry-After: 1 was honoured
        }
    }

    @Test func longRetryAfterFailsAtOnceWithRateLimited() async throws {
        try await FakeProvider.with { (fake: FakeProvider) async throws in
            let text = prompt("[create429=5] [retry_after=3600]")
            let error = await providerError {
                try await fake.replicate().generate(GenerationRequest(kind: .video, prompt: text), context: Recorder().context())
            }
            #expect(error?.code == .rateLimited)
            #expect(error?.retryAfter == .seconds(3600))
            #expect(error?.isRetryable == true)
            #expect(try await fake.creates(text).count == 1)
        }
    }

    @Test func serverErrorsAreRetriedThenSucceed() async throws {
        try await FakeProvider.with { (fake: FakeProvider) async throws in
            let text = prompt("[create500=2]")
            let output = try await fake.replicate().generate(GenerationRequest(kind: .video, prompt: text), context: Recorder().context())
            #expect(output.byteCount > 0)
            #expect(try await fake.creates(text).count == 3)
        }
    }

    @Test func serverErrorsForeverEndInProviderUnavailable() async throws {
        try await FakeProvider.with { (fake: FakeProvider) async throws in
            let text = prompt("[create500=100]")
            let recorder = Recorder()
            let error = await providerError {
                try await fake.replicate().generate(GenerationRequest(kind: .video, prompt: text), context: recorder.context())
            }
            #expect(error?.code == .providerUnavailable)
            #expect(error?.isRetryable == true)
            #expect(try await fake.creates(text).count == 3)  // maxAttempts
            #expect(recorder.saved.withLock { $0.isEmpty })
        }
    }

    @Test func failedPredictionCarriesTheProvidersError() async throws {
        try await FakeProvider.with { (fake: FakeProvider) async throws in
            let error = await providerError {
                try await fake.replicate().generate(
                    GenerationRequest(kind: .video, prompt: prompt("[fail=CUDA out of memory]")), context: Recorder().context())
            }
            #expect(error?.code == .providerFailed)
            #expect(error?.message.contains("CUDA out of memory") == true)
            #expect(error?.isRetryable == false)
            #expect(error?.discardsState == true)
        }
    }

    @Test func stuckPredictionTimesOutAndIsCancelled() async throws {
        try await FakeProvider.with { (fake: FakeProvider) async throws in
            let recorder = Recorder()
            let error = await providerError {
                try await fake.replicate(timeout: .milliseconds(600)).generate(
                    GenerationRequest(kind: .video, prompt: prompt("[stuck]")), context: recorder.context())
            }
            #expect(error?.code == .providerTimeout)
            #expect(error?.isRetryable == true)
            let id = try #require(recorder.saved.withLock { $0.first?.providerJobID })
            #expect(try await fake.cancels(id).count == 1)
            #expect(try await fake.prediction(id)["cancelled"] == .bool(true))
        }
    }

    @Test func taskCancellationCancelsThePrediction() async throws {
        try await FakeProvider.with { (fake: FakeProvider) async throws in
            let recorder = Recorder()
            let saved = AsyncStream<String>.makeStream()
            let provider = fake.replicate()
            let context = recorder.context { state in saved.continuation.yield(state.providerJobID) }
            let task = Task {
                await providerError {
                    try await provider.generate(GenerationRequest(kind: .video, prompt: prompt("[stuck]")), context: context)
                }
            }
            var id: String?
            for await predictionID in saved.stream {
                id = predictionID
                break
            }
            task.cancel()
            let error = await task.value
            #expect(error?.code == .cancelled)
            #expect(error?.discardsState == true)
            let predictionID = try #require(id)
            #expect(try await fake.cancels(predictionID).count == 1)
        }
    }

    @Test(arguments: [404, 410])
    func expiredOutputURL(status: Int) async throws {
        try await FakeProvider.with { (fake: FakeProvider) async throws in
            let recorder = Recorder()
            let error = await providerError {
                try await fake.replicate().generate(
                    GenerationRequest(kind: .video, prompt: prompt("[expired=\(status)]")), context: recorder.context())
            }
            #expect(error?.code == .outputExpired)
            #expect(error?.discardsState == true)
            #expect(recorder.files.isEmpty)
        }
    }

    @Test func resumingASavedPredictionDoesNotCreateAnother() async throws {
        try await FakeProvider.with { (fake: FakeProvider) async throws in
            let text = prompt("[poll500=3] [delay=50]")
            let request = GenerationRequest(kind: .video, prompt: text)
            let first = Recorder()
            let error = await providerError { try await fake.replicate().generate(request, context: first.context()) }
            #expect(error?.code == .providerUnavailable)  // the polls failed, the prediction lives on
            #expect(error?.discardsState == false)
            let state = try #require(first.saved.withLock { $0.first })

            let second = Recorder()
            let output = try await fake.replicate().generate(request, context: second.context(savedState: state))
            #expect(output.providerJobID == state.providerJobID)
            #expect(try await fake.creates(text).count == 1)  // exactly ONE create: no second bill
            #expect(second.saved.withLock { $0.isEmpty })
        }
    }

    @Test func resumingAPredictionThatIsGoneAsksForAFreshStart() async throws {
        try await FakeProvider.with { (fake: FakeProvider) async throws in
            let state = ProviderState(providerID: "replicate", providerJobID: "deadbeef", createdAt: Date())
            let error = await providerError {
                try await fake.replicate().generate(GenerationRequest(kind: .video, prompt: prompt()), context: Recorder().context(savedState: state))
            }
            #expect(error?.code == .outputExpired)
            #expect(error?.discardsState == true)
            #expect(try await fake.log().filter { $0.create == true }.isEmpty)
        }
    }

    @Test func aStateThatCannotBeSavedCancelsThePrediction() async throws {
        struct DatabaseDown: Error {}
        try await FakeProvider.with { (fake: FakeProvider) async throws in
            let created = Mutex<String?>(nil)
            let recorder = Recorder()
            let error = await providerError {
                try await fake.replicate().generate(
                    GenerationRequest(kind: .video, prompt: prompt("[stuck]")),
                    context: recorder.context { state in
                        created.withLock { $0 = state.providerJobID }
                        throw DatabaseDown()
                    })
            }
            #expect(error?.code == .stateNotSaved)
            let id = try #require(created.withLock { $0 })
            #expect(try await fake.cancels(id).count == 1)
            #expect(try await fake.prediction(id)["polls"] == .number(0))
        }
    }

    @Test(arguments: ["big", "bigchunked"])
    func outputsLargerThanTheLimitAreRefused(variant: String) async throws {
        try await FakeProvider.with { (fake: FakeProvider) async throws in
            let recorder = Recorder()
            let error = await providerError {
                try await fake.replicate(maxDownloadBytes: 200_000).generate(
                    GenerationRequest(kind: .video, prompt: prompt("[\(variant)=300000]")), context: recorder.context())
            }
            #expect(error?.code == .outputTooLarge)
            #expect(recorder.files.isEmpty)  // no partial file left
        }
    }

    @Test func outputsUpToTheLimitAreStreamedToDisk() async throws {
        try await FakeProvider.with { (fake: FakeProvider) async throws in
            let recorder = Recorder()
            defer { withExtendedLifetime(recorder) {} }
            let output = try await fake.replicate(maxDownloadBytes: 3_000_000).generate(
                GenerationRequest(kind: .video, prompt: prompt("[bigchunked=2500000]")), context: recorder.context())
            #expect(output.byteCount == 2_500_000)
            let size = try FileManager.default.attributesOfItem(atPath: output.file.path)[.size] as? NSNumber
            #expect(size?.intValue == 2_500_000)
        }
    }

    @Test func aWrongTokenIsUnauthorized() async throws {
        try await FakeProvider.with { (fake: FakeProvider) async throws in
            let text = prompt()
            let error = await providerError {
                try await fake.replicate(token: "r8_wrong").generate(GenerationRequest(kind: .video, prompt: text), context: Recorder().context())
            }
            #expect(error?.code == .unauthorized)
            #expect(error?.isRetryable == false)
            #expect(try await fake.creates(text).count == 1)  // not retried
        }
    }

    @Test func secretsNeverReachErrorsOrLogs() async throws {
        try await FakeProvider.with { (fake: FakeProvider) async throws in
            let recorder = Recorder()
            let error = await providerError {
                try await fake.replicate().generate(GenerationRequest(kind: .video, prompt: prompt("[echoauth]")), context: recorder.context())
            }
            #expect(error?.code == .invalidRequest)
            #expect(error?.message.contains("bad request from Bearer [redacted]") == true)  // the provider's text, scrubbed
            #expect(error?.description.contains(FakeProvider.token) == false)
            #expect("\(String(describing: error))".contains(FakeProvider.token) == false)

            _ = try await fake.replicate().generate(GenerationRequest(kind: .video, prompt: prompt("[create500=1]")), context: recorder.context())
            let logs = recorder.logs.withLock { $0 }
            #expect(!logs.isEmpty)
            #expect(logs.allSatisfy { !$0.contains(FakeProvider.token) })
        }
    }

    @Test func anUnconfiguredKindIsRefused() async throws {
        try await FakeProvider.with { (fake: FakeProvider) async throws in
            let provider = fake.replicate()
            #expect(provider.capabilities == [.video])
            let error = await providerError {
                try await provider.generate(GenerationRequest(kind: .image, prompt: "x"), context: Recorder().context())
            }
            #expect(error?.code == .notConfigured)
        }
    }
}
