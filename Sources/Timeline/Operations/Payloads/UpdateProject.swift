/// Changes the project settings; nil fields stay as they are. Stored times are flicks, so a new
/// frame rate moves nothing: it changes how times are shown, snapped and exported.
public struct UpdateProject: Sendable, Hashable {
    /// New name.
    public var name: String?
    /// New frame rate.
    public var rate: FrameRate?
    /// New width in pixels (1…1000000).
    public var width: Int64?
    /// New height in pixels (1…1000000).
    public var height: Int64?
    /// New sample rate in Hz (1…1000000).
    public var sampleRate: Int64?

    /// Creates the operation.
    public init(name: String? = nil, rate: FrameRate? = nil, width: Int64? = nil, height: Int64? = nil, sampleRate: Int64? = nil) {
        self.name = name
        self.rate = rate
        self.width = width
        self.height = height
        self.sampleRate = sampleRate
    }
}
