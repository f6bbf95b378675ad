import Foundation
import JobKinds
import Storage
import Timeline

/// An asset in the API: `{id, kind, name, duration, width, height, rate, hasAudio, status, …}`.
struct AssetView: Encodable, Sendable {
    let id: String
    let projectId: String
    let kind: String
    let name: String
    let status: String
    /// Length in flicks (nil for stills and text).
    let duration: Int64?
    let durationSeconds: Double?
    let width: Int64?
    let height: Int64?
    let rate: FrameRate?
    let hasAudio: Bool
    let mediaType: String?
    let size: Int64?
    /// The blob key stored as the asset's `uri` in the project document.
    let uri: String?
    let origin: JSONValue
    let contentUrl: String
    let posterUrl: String?
    let createdAt: Date

    init(_ asset: AssetRepository.Asset) {
        let metadata = (try? JSONDecoder().decode(AssetMetadata.self, from: Data(asset.metadataJSON.utf8))) ?? AssetMetadata()
        id = asset.id.apiString
        projectId = asset.projectID.apiString
        kind = asset.kind
        name = asset.name
        status = asset.status
        duration = metadata.duration
        durationSeconds = metadata.duration.map { Double($0) / Double(Flicks.perSecond) }
        width = metadata.width
        height = metadata.height
        rate = metadata.rate
        hasAudio = metadata.hasAudio ?? false
        mediaType = asset.mediaType
        size = asset.byteSize
        uri = asset.blobKey
        origin = asset.originJobID.map { .object(["type": .string("job"), "job": .string($0.apiString)]) } ?? .object(["type": .string("upload")])
        contentUrl = "/api/assets/\(asset.id.apiString)/content"
        posterUrl = metadata.poster == nil ? nil : "/api/assets/\(asset.id.apiString)/poster"
        createdAt = asset.createdAt
    }
}
