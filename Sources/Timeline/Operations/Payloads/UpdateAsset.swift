/// Changes an asset's fields; nil fields stay as they are. A shorter `duration` is refused if
/// clips use media past it.
public struct UpdateAsset: Sendable, Hashable {
    /// The asset.
    public var asset: String
    /// New name.
    public var name: String?
    /// New blob key or URL.
    public var uri: String?
    /// New media length.
    public var duration: Flicks?
    /// New pixel width.
    public var width: Int64?
    /// New pixel height.
    public var height: Int64?
    /// New media rate.
    public var rate: FrameRate?
    /// New has-audio flag.
    public var hasAudio: Bool?
    /// New status.
    public var status: AssetStatus?

    /// Creates the operation.
    public init(
        asset: String,
        name: String? = nil,
        uri: String? = nil,
        duration: Flicks? = nil,
        width: Int64? = nil,
        height: Int64? = nil,
        rate: FrameRate? = nil,
        hasAudio: Bool? = nil,
        status: AssetStatus? = nil
    ) {
        self.asset = asset
        self.name = name
        self.uri = uri
        self.duration = duration
        self.width = width
        self.height = height
        self.rate = rate
        self.hasAudio = hasAudio
        self.status = status
    }
}
