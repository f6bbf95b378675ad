import Foundation
import Jobs
import Storage
import Timeline

/// Keeps a job's output through ``MediaIngest``. The asset's id is the job's id, so a job that runs twice
/// stores one asset and lands it once.
struct OutputStore {
    let environment: JobKindEnvironment

    /// Stores the file at `path` as the job's asset.
    /// - Parameters:
    ///   - kind: forced for text; otherwise taken from the probe (video, audio or image).
    ///   - origin: extra fields for the asset's `origin` beside `{type: job, job, kind}`.
    func store(
        _ path: String, for job: JobSnapshot, name: String, mediaType: String, kind: AssetKind? = nil, origin extra: JSONObject = [:]
    ) async throws -> MediaIngest.Ingested {
        guard let projectID = job.projectID else { throw JobError(.invalidParams, "the job has no project to add its output to") }
        var origin: JSONObject = ["type": .string("job"), "job": .string(job.id.uuidString.lowercased()), "kind": .string(job.kind)]
        origin.merge(extra) { _, new in new }
        let staged = try await environment.blobs.stage(fileAt: path)
        return try await MediaIngest(database: environment.database, blobs: environment.blobs).ingest(
            staged, id: job.id, projectID: projectID, name: name, mediaType: mediaType, kind: kind, origin: origin,
            originJob: job.id, createdBy: job.createdBy
        )
    }

    /// The media file of an asset in the blob store (nil when it has no stored media).
    static func path(of asset: AssetRecord, in blobs: BlobStore) -> String? {
        if let key = BlobKey(asset.uri) { return blobs.path(for: key) }
        if asset.uri.hasPrefix("file://") { return URL(string: asset.uri)?.path }
        if asset.uri.hasPrefix("/") { return asset.uri }
        return nil
    }
}

extension MediaIngest.Ingested {
    /// The asset's id in the document.
    var assetID: String { record.id }
}

extension EditOperation {
    /// The operation in its JSON form, for a ``LandingRequest``.
    var landingJSON: JSONValue { .object(jsonObject) }
}
