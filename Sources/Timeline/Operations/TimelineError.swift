/// An error from the timeline layer: a rejected edit operation, a malformed operation in JSON,
/// or a document that is not an EditBay project.
///
/// ``code`` is a stable string for API envelopes (`CLIP_NOT_FOUND`, `OVERLAP`, …); ``message``
/// is for people; ``field`` names the JSON field at fault when there is one, and
/// ``operationIndex`` the position of the failing operation in a batch. Equality compares codes.
public struct TimelineError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Base: String, Sendable, Hashable {
        case malformedJSON = "MALFORMED_JSON"
        case unknownOperation = "UNKNOWN_OPERATION"
        case missingField = "MISSING_FIELD"
        case invalidField = "INVALID_FIELD"
        case unknownField = "UNKNOWN_FIELD"
        case tooManyOperations = "TOO_MANY_OPERATIONS"
        case notAProject = "NOT_A_PROJECT"
        case unsupportedSchema = "UNSUPPORTED_SCHEMA"
        case trackNotFound = "TRACK_NOT_FOUND"
        case clipNotFound = "CLIP_NOT_FOUND"
        case assetNotFound = "ASSET_NOT_FOUND"
        case markerNotFound = "MARKER_NOT_FOUND"
        case duplicateID = "DUPLICATE_ID"
        case negativeTime = "NEGATIVE_TIME"
        case invalidDuration = "INVALID_DURATION"
        case outsideAsset = "OUTSIDE_ASSET"
        case kindMismatch = "KIND_MISMATCH"
        case trackLocked = "TRACK_LOCKED"
        case overlap = "OVERLAP"
        case assetInUse = "ASSET_IN_USE"
        case splitOutsideClip = "SPLIT_OUTSIDE_CLIP"
        case rangeNotEmpty = "RANGE_NOT_EMPTY"
        case invalidValue = "INVALID_VALUE"
        case importFailed = "IMPORT_FAILED"
    }

    private let base: Base
    /// A human-readable explanation (ids and field names, never document content beyond them).
    public let message: String
    /// The operation field at fault, if any.
    public let field: String?
    /// The index of the failing operation in a batch, if any.
    public let operationIndex: Int?

    private init(_ base: Base, _ message: String = "", field: String? = nil, operationIndex: Int? = nil) {
        self.base = base
        self.message = message
        self.field = field
        self.operationIndex = operationIndex
    }

    /// The stable code.
    public var code: String { base.rawValue }

    public var description: String {
        var s = "TimelineError(\(code)"
        if !message.isEmpty { s += ": \(message)" }
        if let field { s += " [field \(field)]" }
        if let operationIndex { s += " [operation \(operationIndex)]" }
        return s + ")"
    }

    public static func == (lhs: TimelineError, rhs: TimelineError) -> Bool { lhs.base == rhs.base }
    public func hash(into hasher: inout Hasher) { hasher.combine(base) }

    /// The operations text is not valid JSON or not an object/array where one is expected.
    public static let malformedJSON = TimelineError(.malformedJSON)
    /// `op` names no known operation.
    public static let unknownOperation = TimelineError(.unknownOperation)
    /// A required field is absent.
    public static let missingField = TimelineError(.missingField)
    /// A field has the wrong type or an impossible value.
    public static let invalidField = TimelineError(.invalidField)
    /// An operation carries a field it does not define (usually a typo).
    public static let unknownField = TimelineError(.unknownField)
    /// A batch holds more operations than allowed.
    public static let tooManyOperations = TimelineError(.tooManyOperations)
    /// The document has no `meta.schema`: it is not an EditBay project.
    public static let notAProject = TimelineError(.notAProject)
    /// The document's schema version is newer than this server understands.
    public static let unsupportedSchema = TimelineError(.unsupportedSchema)
    /// No track has the given id.
    public static let trackNotFound = TimelineError(.trackNotFound)
    /// No clip has the given id.
    public static let clipNotFound = TimelineError(.clipNotFound)
    /// No asset has the given id.
    public static let assetNotFound = TimelineError(.assetNotFound)
    /// No marker has the given id.
    public static let markerNotFound = TimelineError(.markerNotFound)
    /// An id given for a new entity is already used.
    public static let duplicateID = TimelineError(.duplicateID)
    /// A time is negative.
    public static let negativeTime = TimelineError(.negativeTime)
    /// A duration is zero or negative.
    public static let invalidDuration = TimelineError(.invalidDuration)
    /// A clip would use media outside its asset's duration.
    public static let outsideAsset = TimelineError(.outsideAsset)
    /// The asset's kind cannot go on that track (for example audio on a video track).
    public static let kindMismatch = TimelineError(.kindMismatch)
    /// The track is locked.
    public static let trackLocked = TimelineError(.trackLocked)
    /// The clip would overlap another clip on its track.
    public static let overlap = TimelineError(.overlap)
    /// The asset is still used by clips.
    public static let assetInUse = TimelineError(.assetInUse)
    /// The split time is not strictly inside the clip.
    public static let splitOutsideClip = TimelineError(.splitOutsideClip)
    /// A ripple-delete range contains clips.
    public static let rangeNotEmpty = TimelineError(.rangeNotEmpty)
    /// A value is outside its allowed range (gain, opacity, speed, lengths of names and ids).
    public static let invalidValue = TimelineError(.invalidValue)
    /// An OTIO import could not be converted.
    public static let importFailed = TimelineError(.importFailed)

    /// A copy with a message and optionally the field at fault.
    public func with(_ message: String, field: String? = nil) -> TimelineError {
        TimelineError(base, message, field: field ?? self.field, operationIndex: operationIndex)
    }

    /// A copy recording which operation of a batch failed.
    public func at(operation index: Int) -> TimelineError {
        TimelineError(base, message, field: field, operationIndex: index)
    }
}
