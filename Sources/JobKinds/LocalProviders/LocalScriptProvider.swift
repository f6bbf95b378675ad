import Foundation
import Providers

/// A script outline from a fixed template: scene headings built from the prompt's sentences. Useful offline
/// as a starting structure; it is a template, not AI, and says so in its output.
public struct LocalScriptProvider: GenerationProvider {
    public let id = "local-script"
    public let displayName = "Script template (local, not AI)"
    public let isAI = false
    public let capabilities: Set<GenerationKind> = [.script]
    /// Longest prompt accepted.
    public static let maximumCharacters = 4_000

    public init() {}

    public func generate(_ request: GenerationRequest, context: GenerationContext) async throws(ProviderError) -> GeneratedOutput {
        guard let prompt = request.prompt?.trimmingCharacters(in: .whitespacesAndNewlines), !prompt.isEmpty else {
            throw ProviderError(.invalidRequest, "a script needs a non-empty `prompt`", providerID: id)
        }
        guard prompt.count <= Self.maximumCharacters else {
            throw ProviderError(.invalidRequest, "the prompt is longer than \(Self.maximumCharacters) characters", providerID: id)
        }
        let text = Self.script(for: prompt)
        let file = context.temporaryDirectory.appendingPathComponent("script-\(UUID().uuidString).md")
        do {
            try Data(text.utf8).write(to: file)
        } catch {
            throw ProviderError(.ioFailed, "cannot write the script: \(error)", providerID: id)
        }
        return GeneratedOutput(file: file, mediaType: "text/markdown", byteCount: Int64(text.utf8.count), providerID: id, providerJobID: nil, metadata: [:])
    }

    /// The scene headings of a prompt: one per sentence (at most eight), framed by an opening and a close.
    public static func scenes(for prompt: String) -> [String] {
        let sentences = prompt
            .split(whereSeparator: { ".!?\n".contains($0) })
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        return ["Opening"] + sentences.prefix(8).map { String($0.prefix(80)) } + ["Closing"]
    }

    static func script(for prompt: String) -> String {
        var lines = ["# Script outline", "", "_Made from a template by EditBay's local script provider (not AI)._", "", "Brief: \(prompt)", ""]
        for (index, scene) in scenes(for: prompt).enumerated() {
            lines += ["## Scene \(index + 1): \(scene)", "", "- Picture: …", "- Sound: …", "- Voice-over: …", ""]
        }
        return lines.joined(separator: "\n")
    }
}
