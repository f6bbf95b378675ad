/// Adds an asset (usually done by the server after an upload or a job).
public struct AddAsset: Sendable, Hashable {
    /// The record to add; its `id` may be empty to let the server pick one.
    public var asset: AssetRecord

    /// Creates the operation.
    public init(asset: AssetRecord) { self.asset = asset }
}
