import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Providers

/// `POST /api/webhooks/replicate`: Replicate's signed webhooks (Standard Webhooks). A valid delivery wakes
/// the job polling that prediction at once; polling alone stays correct, so a lost webhook costs only time.
/// Only mounted when `EDITBAY_REPLICATE_WEBHOOK_SECRET` (and `EDITBAY_PUBLIC_URL`, so Replicate knows where
/// to send them) are set.
struct WebhookController: Sendable {
    let receiver: ReplicateWebhookReceiver

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("replicate", use: replicate)
    }

    @Sendable func replicate(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        do {
            switch try receiver.receive(headers: headers, body: Data(body.readableBytesView)) {
            case .accepted, .duplicate: return Response(status: .noContent)
            }
        } catch {
            let status: HTTPResponse.Status = error.code == .badSignature ? .unauthorized : .badRequest
            throw APIError(status, code: error.code.rawValue, error.message)
        }
    }
}
