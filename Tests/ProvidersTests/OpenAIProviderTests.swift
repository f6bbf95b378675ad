import AsyncHTTPClient
import Foundation
@testable import Providers
import Testing

/// OpenAI-compatible images and speech against the fake.
@Suite struct OpenAIProviderTests {
    private let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    @Test func generatesAnImageFromBase64() async throws {
        try await FakeProvider.with { (fake: FakeProvider) async throws in
            let recorder = Recorder()
            defer { withExtendedLifetime(recorder) {} }
            let text = prompt()
            let provider = OpenAIImagesProvider(configuration: fake.openAI(), client: .shared, retry: fastRetry)
            let output = try await provider.generate(
                GenerationRequest(kind: .image, prompt: text, width: 1920, height: 1080), context: recorder.context())
            #expect(Array(try Data(contentsOf: output.file).prefix(8)) == png)
            #expect(output.mediaType == "image/png")
            #expect(output.providerJobID == nil)
            let call = try #require(try await fake.calls("/v1/images/generations", text).first)
            guard case .object(let body) = call.request else { throw FakeProvider.Failure(description: "no body") }
            #expect(body["model"] == .string("gpt-image-1"))
            #expect(body["size"] == .string("1536x1024"))  // the closest size the model takes to 1920x1080
            #expect(body["n"] == .number(1))
            #expect(body["response_format"] == nil)  // GPT image models reject it
        }
    }

    @Test func imageSizesFollowTheModelsShapes() {
        #expect(OpenAIImagesProvider.size(model: "gpt-image-1", width: 720, height: 1280) == "1024x1536")
        #expect(OpenAIImagesProvider.size(model: "gpt-image-1", width: 500, height: 480) == "1024x1024")
        #expect(OpenAIImagesProvider.size(model: "dall-e-3", width: 1920, height: 1080) == "1792x1024")
        #expect(OpenAIImagesProvider.size(model: "some-other-model", width: 640, height: 360) == "640x360")
    }

    @Test func downloadsAnImageURL() async throws {
        try await FakeProvider.with { (fake: FakeProvider) async throws in
            let recorder = Recorder()
            defer { withExtendedLifetime(recorder) {} }
            let provider = OpenAIImagesProvider(configuration: fake.openAI(), client: .shared, retry: fastRetry)
            let output = try await provider.generate(GenerationRequest(kind: .image, prompt: prompt("[imageurl]")), context: recorder.context())
            #expect(Array(try Data(contentsOf: output.file).prefix(8)) == png)
        }
    }

    @Test func imagesRetryA429ThenSucceed() async throws {
        try await FakeProvider.with { (fake: FakeProvider) async throws in
            let text = prompt("[create429=1] [retry_after=0]")
            let provider = OpenAIImagesProvider(configuration: fake.openAI(), client: .shared, retry: fastRetry)
            let output = try await provider.generate(GenerationRequest(kind: .image, prompt: text), context: Recorder().context())
            #expect(output.byteCount > 0)
            #expect(try await fake.calls("/v1/images/generations", text).count == 2)
        }
    }

    @Test func speechIsWrittenAsAWAVFile() async throws {
        try await FakeProvider.with { (fake: FakeProvider) async throws in
            let recorder = Recorder()
            defer { withExtendedLifetime(recorder) {} }
            let text = "Hello there #\(UUID().uuidString.prefix(6))"
            let provider = OpenAISpeechProvider(configuration: fake.openAI(), client: .shared, retry: fastRetry)
            let output = try await provider.generate(
                GenerationRequest(kind: .speech, text: text, voice: "nova", outputFormat: "wav"), context: recorder.context())
            let bytes = try Data(contentsOf: output.file)
            #expect(String(decoding: bytes.prefix(4), as: UTF8.self) == "RIFF")
            #expect(Int64(bytes.count) == output.byteCount)
            #expect(output.mediaType == "audio/wav")
            let call = try #require(try await fake.calls("/v1/audio/speech", text).first)
            guard case .object(let body) = call.request else { throw FakeProvider.Failure(description: "no body") }
            #expect(body["voice"] == .string("nova"))
            #expect(body["model"] == .string("tts-fake"))
            #expect(body["response_format"] == .string("wav"))
        }
    }

    @Test func speechDefaultsToMP3AndTheConfiguredVoice() async throws {
        try await FakeProvider.with { (fake: FakeProvider) async throws in
            let text = "Default voice #\(UUID().uuidString.prefix(6))"
            let provider = OpenAISpeechProvider(configuration: fake.openAI(), client: .shared, retry: fastRetry)
            let output = try await provider.generate(GenerationRequest(kind: .speech, text: text), context: Recorder().context())
            #expect(output.mediaType == "audio/mpeg")
            #expect(output.file.pathExtension == "mp3")
            let call = try #require(try await fake.calls("/v1/audio/speech", text).first)
            guard case .object(let body) = call.request else { throw FakeProvider.Failure(description: "no body") }
            #expect(body["voice"] == .string("alloy"))
        }
    }

    @Test func speechRetriesServerErrorsThenSucceeds() async throws {
        try await FakeProvider.with { (fake: FakeProvider) async throws in
            let text = "Retry me [create500=2] #\(UUID().uuidString.prefix(6))"
            let provider = OpenAISpeechProvider(configuration: fake.openAI(), client: .shared, retry: fastRetry)
            let output = try await provider.generate(GenerationRequest(kind: .speech, text: text), context: Recorder().context())
            #expect(output.byteCount > 0)
            #expect(try await fake.calls("/v1/audio/speech", text).count == 3)
        }
    }

    @Test func speechServerErrorsForeverAreProviderUnavailable() async throws {
        try await FakeProvider.with { (fake: FakeProvider) async throws in
            let text = "Never [create500=99] #\(UUID().uuidString.prefix(6))"
            let recorder = Recorder()
            let provider = OpenAISpeechProvider(configuration: fake.openAI(), client: .shared, retry: fastRetry)
            let error = await providerError {
                try await provider.generate(GenerationRequest(kind: .speech, text: text), context: recorder.context())
            }
            #expect(error?.code == .providerUnavailable)
            #expect(try await fake.calls("/v1/audio/speech", text).count == 3)
            #expect(recorder.files.isEmpty)
        }
    }

    @Test func aWrongKeyIsUnauthorizedAndNotEchoed() async throws {
        try await FakeProvider.with { (fake: FakeProvider) async throws in
            let provider = OpenAIImagesProvider(configuration: fake.openAI(token: "sk-wrong-key-123"), client: .shared, retry: fastRetry)
            let error = await providerError {
                try await provider.generate(GenerationRequest(kind: .image, prompt: prompt()), context: Recorder().context())
            }
            #expect(error?.code == .unauthorized)
            #expect(error?.description.contains("sk-wrong-key-123") == false)
        }
    }

    @Test func requestsOfTheWrongKindAreRefusedWithoutACall() async throws {
        try await FakeProvider.with { (fake: FakeProvider) async throws in
            let provider = OpenAISpeechProvider(configuration: fake.openAI(), client: .shared, retry: fastRetry)
            let error = await providerError {
                try await provider.generate(GenerationRequest(kind: .image, prompt: "x"), context: Recorder().context())
            }
            #expect(error?.code == .invalidRequest)
            #expect(try await fake.log().isEmpty)
        }
    }
}
