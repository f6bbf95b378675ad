import Foundation
import Jobs
import Render
import Timeline

extension JobKindEnvironment {
    /// Checks, when a job is created, that `params` fit `kind` (and for `generate.video`, its duration bounds).
    /// - Throws: ``JobError`` `UNKNOWN_KIND` or `INVALID_PARAMS` saying what does not fit.
    public func check(kind: String, params: Timeline.JSONValue) throws(JobError) {
        guard let handler = handlers.first(where: { $0.kind == kind }) else {
            throw JobError(.unknownKind, "no job kind \"\(kind)\"; kinds: \(handlers.map(\.kind).sorted().joined(separator: ", "))")
        }
        guard case .object = params else { throw JobError(.invalidParams, "params must be a JSON object") }
        do {
            let data = try JSONEncoder().encode(params)
            switch handler {
            case is FillGapJob: _ = try JSONDecoder().decode(FillGapJob.Params.self, from: data)
            case is GenerateImageJob: _ = try parseSize(try JSONDecoder().decode(GenerateImageJob.Params.self, from: data).size)
            case is GenerateVoiceJob: _ = try JSONDecoder().decode(GenerateVoiceJob.Params.self, from: data)
            case is GenerateVideoJob: _ = try GenerateVideoJob.duration(try JSONDecoder().decode(GenerateVideoJob.Params.self, from: data))
            case is GenerateScriptJob: _ = try JSONDecoder().decode(GenerateScriptJob.Params.self, from: data)
            case is RenderJob:
                let render = try JSONDecoder().decode(RenderJob.Params.self, from: data)
                if let preset = render.preset, RenderPreset.named(preset) == nil {
                    throw JobError(.invalidParams, "preset must be one of \(RenderPreset.all.map(\.name).joined(separator: ", "))")
                }
            default: break
            }
        } catch let error as JobError {
            throw error
        } catch let DecodingError.keyNotFound(key, _) {
            throw JobError(.invalidParams, "\(kind) needs `\(key.stringValue)`")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw JobError(.invalidParams, "\(kind): `\(context.codingPath.map(\.stringValue).joined(separator: "."))` has the wrong type")
        } catch {
            throw JobError(.invalidParams, "\(kind): the params do not fit (\(error))")
        }
        if let id = Self.providerName(params), providers[id] == nil {
            throw JobError(.unknownProvider, "no provider \"\(id)\"; available: \(providers.keys.sorted().joined(separator: ", "))")
        }
    }

    static func providerName(_ params: JSONValue) -> String? {
        if case .object(let object) = params, case .string(let id)? = object["provider"] { return id }
        return nil
    }

    /// The kinds of job EditBay runs.
    public var kinds: Set<String> { Set(handlers.map(\.kind)) }
}
