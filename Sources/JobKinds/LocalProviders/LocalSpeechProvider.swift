import Foundation
import Providers
import Storage

/// Offline speech with espeak-ng: robotic but intelligible, free, and not AI.
///
/// Runs `espeak-ng -v VOICE -w OUT.wav -- TEXT` (the Debian package `espeak-ng`). Voices are espeak-ng's
/// names (`en`, `en-us`, `fr`, …; `espeak-ng --voices` lists them).
public struct LocalSpeechProvider: GenerationProvider {
    public let id = "local-speech"
    public let displayName = "Local speech (espeak-ng, not AI)"
    public let isAI = false
    public let capabilities: Set<GenerationKind> = [.speech]
    /// Longest text spoken in one request.
    public static let maximumCharacters = 10_000

    public init() {}

    public func generate(_ request: GenerationRequest, context: GenerationContext) async throws(ProviderError) -> GeneratedOutput {
        guard let text = request.text ?? request.prompt, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ProviderError(.invalidRequest, "speech needs a non-empty `text`", providerID: id)
        }
        guard text.count <= Self.maximumCharacters else {
            throw ProviderError(.invalidRequest, "the text is longer than \(Self.maximumCharacters) characters", providerID: id)
        }
        let voice = request.voice ?? "en"
        guard voice.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "+" || $0 == "_" }), voice.count <= 64 else {
            throw ProviderError(.invalidRequest, "voice must be an espeak-ng voice name such as en or en-us", providerID: id)
        }
        guard let espeak = ProcessRunner.locate("espeak-ng") else {
            throw ProviderError(.notConfigured, "espeak-ng is not installed (apt-get install espeak-ng)", providerID: id)
        }
        let output = context.temporaryDirectory.appendingPathComponent("speech-\(UUID().uuidString).wav")
        await context.progress(.status("speaking"))
        let result: ProcessRunner.Result
        do {
            result = try await ProcessRunner().run(espeak, ["-v", voice, "-w", output.path, "--", text])
        } catch {
            throw ProviderError(.providerFailed, "espeak-ng could not run: \(error)", providerID: id)
        }
        guard result.status == 0, let size = try? FileManager.default.attributesOfItem(atPath: output.path)[.size] as? Int, size > 44 else {
            throw ProviderError(.providerFailed, "espeak-ng failed (exit \(result.status)): \(result.output.prefix(300))", providerID: id)
        }
        await context.progress(.fraction(1))
        return GeneratedOutput(file: output, mediaType: "audio/wav", byteCount: Int64(size), providerID: id, providerJobID: nil, metadata: ["voice": .string(voice)])
    }
}
