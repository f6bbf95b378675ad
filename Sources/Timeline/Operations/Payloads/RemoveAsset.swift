/// Removes an asset that no clip uses.
public struct RemoveAsset: Sendable, Hashable {
    /// The asset.
    public var asset: String

    /// Creates the operation.
    public init(asset: String) { self.asset = asset }
}
