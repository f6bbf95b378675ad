import Foundation

extension EditOperation {
    /// Every `op` name accepted in JSON (`renameTrack` is an alias of `updateTrack`).
    public static let jsonNames = [
        "updateProject", "addTrack", "updateTrack", "renameTrack", "moveTrack", "removeTrack", "addAsset", "updateAsset", "removeAsset", "addClip",
        "moveClip", "trimClip", "slipClip", "splitClip", "removeClip", "rippleDelete", "setClip", "addMarker", "moveMarker",
        "updateMarker", "removeMarker",
    ]

    /// Decodes one operation from its JSON object (see docs/operations.md).
    /// - Throws: ``TimelineError`` with code `UNKNOWN_OPERATION`, `MISSING_FIELD`, `INVALID_FIELD`
    ///   or `UNKNOWN_FIELD`, naming the field.
    public init(json object: JSONObject) throws(TimelineError) {
        guard let opValue = object["op"] else { throw TimelineError.missingField.with("an operation needs op", field: "op") }
        guard case .string(let op) = opValue else { throw TimelineError.invalidField.with("op must be a string", field: "op") }
        var r = OperationFields(op: op, object: object)
        switch op {
        case "updateProject":
            self = .updateProject(
                UpdateProject(
                    name: try r.optionalString("name"),
                    rate: try r.optionalRate("rate"),
                    width: try r.optionalInt("width"),
                    height: try r.optionalInt("height"),
                    sampleRate: try r.optionalInt("sampleRate")
                )
            )
        case "addTrack":
            guard let kind = try r.optionalEnum("kind", TrackKind.self) else {
                throw TimelineError.missingField.with("addTrack needs kind", field: "kind")
            }
            self = .addTrack(
                AddTrack(
                    id: try r.optionalString("id"),
                    kind: kind,
                    name: try r.optionalString("name"),
                    after: try r.optionalString("after"),
                    before: try r.optionalString("before")
                )
            )
        case "updateTrack", "renameTrack":
            let track = try r.string("track")
            let name = op == "renameTrack" ? try r.string("name") : try r.optionalString("name")
            self = .updateTrack(
                UpdateTrack(
                    track: track,
                    name: name,
                    muted: try r.optionalBool("muted"),
                    hidden: try r.optionalBool("hidden"),
                    locked: try r.optionalBool("locked")
                )
            )
        case "moveTrack":
            self = .moveTrack(MoveTrack(track: try r.string("track"), after: try r.optionalString("after"), before: try r.optionalString("before")))
        case "removeTrack":
            self = .removeTrack(RemoveTrack(track: try r.string("track")))
        case "addAsset":
            guard let kind = try r.optionalEnum("kind", AssetKind.self) else {
                throw TimelineError.missingField.with("addAsset needs kind", field: "kind")
            }
            let asset = AssetRecord(
                id: try r.optionalString("id") ?? "",
                kind: kind,
                name: try r.optionalString("name") ?? "",
                uri: try r.optionalString("uri") ?? "",
                duration: try r.optionalTime("duration"),
                start: try r.optionalTime("start") ?? .zero,
                width: try r.optionalInt("width"),
                height: try r.optionalInt("height"),
                rate: try r.optionalRate("rate"),
                hasAudio: try r.optionalBool("hasAudio") ?? false,
                status: try r.optionalEnum("status", AssetStatus.self) ?? .ready,
                origin: try r.optionalObject("origin") ?? ["type": .string("upload")]
            )
            if asset.id.isEmpty && r.has("id") { throw TimelineError.invalidValue.with("id is empty", field: "id") }
            self = .addAsset(AddAsset(asset: asset))
        case "updateAsset":
            self = .updateAsset(
                UpdateAsset(
                    asset: try r.string("asset"),
                    name: try r.optionalString("name"),
                    uri: try r.optionalString("uri"),
                    duration: try r.optionalTime("duration"),
                    width: try r.optionalInt("width"),
                    height: try r.optionalInt("height"),
                    rate: try r.optionalRate("rate"),
                    hasAudio: try r.optionalBool("hasAudio"),
                    status: try r.optionalEnum("status", AssetStatus.self)
                )
            )
        case "removeAsset":
            self = .removeAsset(RemoveAsset(asset: try r.string("asset")))
        case "addClip":
            self = .addClip(
                AddClip(
                    id: try r.optionalString("id"),
                    track: try r.string("track"),
                    asset: try r.string("asset"),
                    start: try r.time("start"),
                    duration: try r.optionalTime("duration"),
                    inPoint: try r.optionalTime("in") ?? .zero,
                    name: try r.optionalString("name")
                )
            )
        case "moveClip":
            self = .moveClip(MoveClip(clip: try r.string("clip"), track: try r.optionalString("track"), start: try r.optionalTime("start")))
        case "trimClip":
            self = .trimClip(
                TrimClip(
                    clip: try r.string("clip"),
                    start: try r.optionalTime("start"),
                    duration: try r.optionalTime("duration"),
                    inPoint: try r.optionalTime("in")
                )
            )
        case "slipClip":
            self = .slipClip(SlipClip(clip: try r.string("clip"), inPoint: try r.time("in")))
        case "splitClip":
            self = .splitClip(SplitClip(clip: try r.string("clip"), at: try r.time("at"), newID: try r.optionalString("newId")))
        case "removeClip":
            self = .removeClip(RemoveClip(clip: try r.string("clip")))
        case "rippleDelete":
            if let clip = try r.optionalString("clip") {
                if r.has("track") || r.has("start") || r.has("duration") {
                    throw TimelineError.invalidField.with("rippleDelete takes clip, or track+start+duration", field: "clip")
                }
                self = .rippleDelete(RippleDelete(.clip(clip)))
            } else {
                guard r.has("track") else { throw TimelineError.missingField.with("rippleDelete needs clip, or track+start+duration", field: "clip") }
                self = .rippleDelete(RippleDelete(.range(track: try r.string("track"), start: try r.time("start"), duration: try r.time("duration"))))
            }
        case "setClip":
            var set = SetClip(
                clip: try r.string("clip"),
                gain: try r.optionalDouble("gain"),
                opacity: try r.optionalDouble("opacity"),
                speed: try r.optionalDouble("speed"),
                name: try r.optionalString("name")
            )
            if r.isNull("transitionIn") {
                set.removeTransitionIn = true
            } else if let t = try r.optionalObject("transitionIn") {
                var tr = OperationFields(op: "setClip.transitionIn", object: t)
                tr.used.remove("op")
                set.transitionIn = ClipTransition(
                    kind: try tr.optionalString("kind") ?? "dissolve",
                    duration: try tr.time("duration"),
                    inOffset: try tr.optionalTime("inOffset")
                )
                try tr.finish()
            }
            self = .setClip(set)
        case "addMarker":
            self = .addMarker(
                AddMarker(
                    id: try r.optionalString("id"),
                    time: try r.time("time"),
                    duration: try r.optionalTime("duration") ?? .zero,
                    label: try r.optionalString("label") ?? "",
                    color: try r.optionalString("color") ?? "red"
                )
            )
        case "moveMarker":
            self = .moveMarker(MoveMarker(marker: try r.string("marker"), time: try r.time("time")))
        case "updateMarker":
            self = .updateMarker(
                UpdateMarker(
                    marker: try r.string("marker"),
                    label: try r.optionalString("label"),
                    color: try r.optionalString("color"),
                    duration: try r.optionalTime("duration")
                )
            )
        case "removeMarker":
            self = .removeMarker(RemoveMarker(marker: try r.string("marker")))
        default:
            throw TimelineError.unknownOperation.with("unknown op \(op.prefix(64)); known: \(Self.jsonNames.joined(separator: ", "))", field: "op")
        }
        try r.finish()
    }

    /// Decodes a batch: a JSON array of operations, or an object `{"operations": [...]}`.
    /// - Throws: ``TimelineError`` (`MALFORMED_JSON`, `TOO_MANY_OPERATIONS`, or a field error with
    ///   ``TimelineError/operationIndex`` set).
    public static func decodeBatch(_ data: Data) throws(TimelineError) -> [EditOperation] {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw TimelineError.malformedJSON.with("not JSON")
        }
        let list: [JSONValue]
        switch value {
        case .array(let a): list = a
        case .object(let o):
            guard case .array(let a)? = o["operations"] else {
                throw TimelineError.malformedJSON.with("expected {\"operations\": [...]}", field: "operations")
            }
            list = a
        default: throw TimelineError.malformedJSON.with("expected an array of operations")
        }
        guard list.count <= ProjectDocument.maxOperationsPerBatch else {
            throw TimelineError.tooManyOperations.with("\(list.count) > \(ProjectDocument.maxOperationsPerBatch)")
        }
        var out: [EditOperation] = []
        for (i, item) in list.enumerated() {
            guard case .object(let o) = item else { throw TimelineError.malformedJSON.with("operation \(i) is not an object").at(operation: i) }
            do throws(TimelineError) {
                out.append(try EditOperation(json: o))
            } catch {
                throw error.at(operation: i)
            }
        }
        return out
    }
}

extension EditOperation: Codable {
    /// Decodes from the JSON form (see ``init(json:)``); errors surface as `DecodingError.dataCorrupted`
    /// whose underlying error is the ``TimelineError``.
    public init(from decoder: any Decoder) throws {
        let object = try JSONObject(from: decoder)
        do throws(TimelineError) {
            self = try EditOperation(json: object)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description, underlyingError: error))
        }
    }

    /// Encodes the JSON form (times as integer flicks).
    public func encode(to encoder: any Encoder) throws {
        try JSONValue.object(jsonObject).encode(to: encoder)
    }
}
