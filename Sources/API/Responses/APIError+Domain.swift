import CollabServer
import HTTPTypes
import Timeline

extension APIError {
    /// A timeline operation that did not apply: 404 for unknown ids, 409 for conflicts with the
    /// document's current state, 400 for malformed input. The code and field come from the timeline.
    init(timeline error: TimelineError) {
        let status: HTTPResponse.Status
        switch error {
        case .trackNotFound, .clipNotFound, .assetNotFound, .markerNotFound: status = .notFound
        case .duplicateID, .trackLocked, .kindMismatch, .outsideAsset: status = .conflict
        case .notAProject, .unsupportedSchema: status = .unprocessableContent
        default: status = .badRequest
        }
        var details: [String: String] = [:]
        if let index = error.operationIndex { details["operation"] = String(index) }
        self.init(status, code: error.code, error.message.isEmpty ? error.code : error.message, field: error.field, details: details)
    }

    init(collab error: CollabError) {
        let status: HTTPResponse.Status
        switch error.code {
        case "READ_ONLY": status = .forbidden
        case "PROJECT_NOT_FOUND": status = .notFound
        default: status = .serviceUnavailable
        }
        self.init(status, code: error.code, error.message)
    }
}
