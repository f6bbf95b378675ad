/// One edit of a project document. Each operation is validated against the current document
/// and performed as part of one CRDT transaction (see ``ProjectDocument/apply(_:origin:)``).
///
/// The JSON form is an object whose `op` names the case (`{"op": "moveClip", "clip": "…",
/// "start": 1234}`); see docs/operations.md and ``EditOperation/init(json:)``.
public enum EditOperation: Sendable, Hashable {
    /// `updateProject`: name, size, frame rate, sample rate.
    case updateProject(UpdateProject)
    /// `addTrack`.
    case addTrack(AddTrack)
    /// `updateTrack` (also `renameTrack` in JSON).
    case updateTrack(UpdateTrack)
    /// `moveTrack`: reorder.
    case moveTrack(MoveTrack)
    /// `removeTrack`: removes the track and its clips.
    case removeTrack(RemoveTrack)
    /// `addAsset`.
    case addAsset(AddAsset)
    /// `updateAsset`.
    case updateAsset(UpdateAsset)
    /// `removeAsset` (refused while clips use it).
    case removeAsset(RemoveAsset)
    /// `addClip`.
    case addClip(AddClip)
    /// `moveClip`: to another time and/or track.
    case moveClip(MoveClip)
    /// `trimClip`: head (start), tail (duration) and/or `in`.
    case trimClip(TrimClip)
    /// `slipClip`: change `in` only.
    case slipClip(SlipClip)
    /// `splitClip`: cut in two at a time.
    case splitClip(SplitClip)
    /// `removeClip`: leaves a gap.
    case removeClip(RemoveClip)
    /// `rippleDelete`: remove a clip or an empty range and pull later clips on the track left.
    case rippleDelete(RippleDelete)
    /// `setClip`: gain, opacity, speed, transition, name.
    case setClip(SetClip)
    /// `addMarker`.
    case addMarker(AddMarker)
    /// `moveMarker`.
    case moveMarker(MoveMarker)
    /// `updateMarker`: label, colour, duration.
    case updateMarker(UpdateMarker)
    /// `removeMarker`.
    case removeMarker(RemoveMarker)

    /// The JSON `op` name.
    public var name: String {
        switch self {
        case .updateProject: "updateProject"
        case .addTrack: "addTrack"
        case .updateTrack: "updateTrack"
        case .moveTrack: "moveTrack"
        case .removeTrack: "removeTrack"
        case .addAsset: "addAsset"
        case .updateAsset: "updateAsset"
        case .removeAsset: "removeAsset"
        case .addClip: "addClip"
        case .moveClip: "moveClip"
        case .trimClip: "trimClip"
        case .slipClip: "slipClip"
        case .splitClip: "splitClip"
        case .removeClip: "removeClip"
        case .rippleDelete: "rippleDelete"
        case .setClip: "setClip"
        case .addMarker: "addMarker"
        case .moveMarker: "moveMarker"
        case .updateMarker: "updateMarker"
        case .removeMarker: "removeMarker"
        }
    }
}

/// What an applied operation did: its name and the ids it created (for operations that let
/// the server pick ids, and for `splitClip`'s new right-hand clip).
public struct OperationResult: Sendable, Hashable, Codable {
    /// The operation's `op` name.
    public var op: String
    /// Ids created by the operation, in the order documented per operation.
    public var created: [String]

    /// Creates a result.
    public init(op: String, created: [String] = []) {
        self.op = op
        self.created = created
    }
}
