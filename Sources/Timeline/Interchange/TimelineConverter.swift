import Foundation

/// Converts between OpenTimelineIO JSON (`.otio`) and EditBay's JSON view (what
/// `GET /api/projects/{id}/timeline` returns): the engine of `editbay timeline convert IN OUT`.
public enum TimelineConverter {
    /// A timeline file format.
    public enum Format: String, Sendable, Hashable, CaseIterable {
        /// OpenTimelineIO JSON (`otio_json`).
        case otio
        /// EditBay's JSON view.
        case editbay

        /// The format a file name implies: `.otio` is OTIO, `.json` is EditBay; nil otherwise.
        public init?(fileName: String) {
            switch (fileName as NSString).pathExtension.lowercased() {
            case "otio": self = .otio
            case "json": self = .editbay
            default: return nil
            }
        }
    }

    /// Reads a timeline in either format as a resolved view.
    /// - Throws: ``TimelineError/importFailed`` (with the OTIO or JSON problem in the message).
    public static func read(_ data: Data, as format: Format) throws(TimelineError) -> TimelineView {
        switch format {
        case .otio:
            let timeline: OTIOTimeline
            do {
                timeline = try OTIOTimeline(jsonData: data)
            } catch {
                throw TimelineError.importFailed.with("\(error.code): \(error.detail)")
            }
            return try ProjectDocument.importOTIO(timeline).view()
        case .editbay:
            do {
                return try JSONDecoder().decode(TimelineView.self, from: data)
            } catch {
                throw TimelineError.importFailed.with("not an EditBay timeline view: \(Self.describe(error))")
            }
        }
    }

    /// Writes a view in a format.
    public static func write(_ view: TimelineView, as format: Format) throws -> Data {
        switch format {
        case .otio: try view.otioTimeline().jsonData()
        case .editbay: try view.jsonData(pretty: true)
        }
    }

    /// Converts `data` from one format to another.
    /// - Throws: ``TimelineError/importFailed`` for unreadable input.
    public static func convert(_ data: Data, from input: Format, to output: Format) throws(TimelineError) -> Data {
        let view = try read(data, as: input)
        do {
            return try write(view, as: output)
        } catch {
            throw TimelineError.importFailed.with("could not encode: \(error)")
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let ctx): "missing \(key.stringValue) at \(path(ctx.codingPath))"
        case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx): "wrong value at \(path(ctx.codingPath))"
        case DecodingError.dataCorrupted(let ctx): "bad data at \(path(ctx.codingPath)): \(ctx.debugDescription)"
        default: "invalid JSON"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }
}
