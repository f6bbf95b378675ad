import Foundation
import HTTPTypes
import Hummingbird

/// Where a list is in the whole.
public struct Pagination: Codable, Sendable, Equatable {
    public let page: Int
    public let perPage: Int
    public let total: Int
    public let totalPages: Int

    public init(page: Int, perPage: Int, total: Int) {
        self.page = page
        self.perPage = perPage
        self.total = total
        self.totalPages = total == 0 ? 0 : (total + perPage - 1) / perPage
    }
}

/// `meta` of every envelope.
public struct EnvelopeMeta: Codable, Sendable {
    public let timestamp: Date
    public let requestId: String
    public let pagination: Pagination?
}

/// A successful answer: `{status:"success", message, data, meta}`.
public struct Envelope<Payload: Encodable & Sendable>: ResponseGenerator, Encodable, Sendable {
    let status: String
    let message: String?
    let data: Payload
    let meta: EnvelopeMeta
    private let httpStatus: HTTPResponse.Status

    enum CodingKeys: String, CodingKey { case status, message, data, meta }

    public init(
        _ data: Payload,
        message: String? = nil,
        status: HTTPResponse.Status = .ok,
        pagination: Pagination? = nil,
        context: AppRequestContext
    ) {
        self.status = "success"
        self.message = message
        self.data = data
        self.meta = EnvelopeMeta(timestamp: Date(), requestId: context.requestID, pagination: pagination)
        self.httpStatus = status
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try JSONCoding.response(self)
        response.status = httpStatus
        return response
    }
}

/// A payload for answers that carry no data (`data: null`).
public struct NoData: Encodable, Sendable {
    public init() {}
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encodeNil()
    }
}

/// The one JSON configuration of the API: ISO 8601 dates, sorted keys for stable output.
enum JSONCoding {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static func response(_ value: some Encodable) throws -> Response {
        let data = try encoder().encode(value)
        return Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
