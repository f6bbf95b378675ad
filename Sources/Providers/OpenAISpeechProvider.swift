import AsyncHTTPClient
import Foundation
import Logging

/// AI speech through an OpenAI-compatible `POST /v1/audio/speech` (synchronous: the answer is the audio).
///
/// Sends `{model, input, voice, response_format: "mp3" | "wav"}` and streams the audio bytes to a file.
public struct OpenAISpeechProvider: GenerationProvider {
    public let id = "openai-speech"
    public let displayName = "OpenAI speech (AI)"
    public let isAI = true
    public let capabilities: Set<GenerationKind> = [.speech]
    public let configuration: OpenAIConfiguration
    private let http: ProviderHTTP
    private let maxDownloadBytes: Int64

    /// Creates a client.
    /// - Parameters:
    ///   - configuration: key, base URL, model, default voice and format.
    ///   - client: the HTTP client.
    ///   - retry: timeouts and retries.
    ///   - maxDownloadBytes: longer audio fails with `OUTPUT_TOO_LARGE`.
    public init(configuration: OpenAIConfiguration, client: HTTPClient, retry: RetryPolicy = RetryPolicy(), maxDownloadBytes: Int64 = 2 << 30) {
        self.configuration = configuration
        self.http = ProviderHTTP(client: client, providerID: "openai-speech", policy: retry, secrets: [configuration.apiKey.value])
        self.maxDownloadBytes = maxDownloadBytes
    }

    private struct Body: Encodable {
        var model: String
        var input: String
        var voice: String
        var responseFormat: String

        enum CodingKeys: String, CodingKey {
            case model, input, voice
            case responseFormat = "response_format"
        }
    }

    public func generate(_ request: GenerationRequest, context: GenerationContext) async throws(ProviderError) -> GeneratedOutput {
        guard request.kind == .speech else {
            throw ProviderError(.invalidRequest, "\(id) makes speech, not \(request.kind.rawValue)", providerID: id)
        }
        guard let text = request.text ?? request.prompt, !text.isEmpty else {
            throw ProviderError(.invalidRequest, "speech needs a text", providerID: id)
        }
        let format = request.outputFormat ?? configuration.speechFormat
        guard format == "mp3" || format == "wav" else {
            throw ProviderError(.invalidRequest, "speech format must be mp3 or wav, not \(format)", providerID: id)
        }
        let voice = request.voice ?? configuration.voice
        let model = request.parameters["model"]?.stringValue ?? configuration.speechModel
        let payload: Data
        do {
            payload = try JSONEncoder().encode(Body(model: model, input: text, voice: voice, responseFormat: format))
        } catch {
            throw ProviderError(.invalidRequest, "the request cannot be encoded as JSON", providerID: id)
        }
        let file = context.temporaryDirectory.appendingPathComponent("openai-speech-\(UUID().uuidString).\(format)")
        await context.progress(.status("generating"))
        let byteCount = try await http.perform(
            "generate speech", purpose: .api, timeout: http.policy.downloadTimeout, logger: context.logger,
            makeRequest: { () throws(ProviderError) in configuration.jsonRequest("/v1/audio/speech", body: payload) },
            handle: { response in try await http.stream(response, to: file, maxBytes: maxDownloadBytes) }
        )
        await context.progress(.fraction(1))
        return GeneratedOutput(
            file: file, mediaType: format == "wav" ? "audio/wav" : "audio/mpeg", byteCount: byteCount, providerID: id,
            providerJobID: nil, metadata: ["model": .string(model), "voice": .string(voice), "format": .string(format)])
    }
}
