/// Which positions of a project's update log a room has applied to its document.
///
/// Rows are numbered 1, 2, 3… and several nodes append to the same log, so a node applies its own rows and
/// relayed rows of others in any order, and may miss some. ``contiguous`` is the highest `seq` S such that
/// every row ≤ S is applied: a checkpoint is only ever stored at S (the document may hold more, which is
/// fine: loading replays the rows after S, and updates are idempotent). A gap is a missing row below an
/// applied one; ``gapOpenSince`` says since when, so the room can read it from the log after a grace period.
public struct LogWatermark: Sendable, Equatable {
    /// Every row up to here is applied.
    public private(set) var contiguous: Int64
    /// Applied rows above ``contiguous`` (there is a gap below the lowest).
    public private(set) var above: Set<Int64> = []
    /// The highest row known to exist: applied here, or seen as the log's head.
    public private(set) var highestKnown: Int64
    /// The highest row this node appended itself.
    public private(set) var lastOwn: Int64 = 0
    /// When the current gap (rows missing below ``highestKnown``) was first seen; nil without one.
    public private(set) var gapOpenSince: ContinuousClock.Instant?

    /// A room loaded from the log up to `seq` (checkpoint plus every row after it).
    public init(loadedThrough seq: Int64) {
        contiguous = seq
        highestKnown = seq
    }

    /// True when row `seq` is already applied.
    public func contains(_ seq: Int64) -> Bool { seq <= contiguous || above.contains(seq) }

    /// True when rows are missing below the highest known one.
    public var hasGap: Bool { highestKnown > contiguous }

    /// Row `seq` is applied (`own`: this node appended it).
    public mutating func applied(_ seq: Int64, own: Bool = false, now: ContinuousClock.Instant = .now) {
        if own { lastOwn = max(lastOwn, seq) }
        highestKnown = max(highestKnown, seq)
        if seq == contiguous + 1 {
            contiguous = seq
            while above.remove(contiguous + 1) != nil { contiguous += 1 }
        } else if seq > contiguous {
            above.insert(seq)
        }
        updateGap(now)
    }

    /// The log's head is at `seq` (read from the database): rows up to it exist.
    public mutating func logHead(_ seq: Int64, now: ContinuousClock.Instant = .now) {
        highestKnown = max(highestKnown, seq)
        updateGap(now)
    }

    /// True when a gap has been open for at least `grace`: time to read the missing rows from the log.
    public func gapIsStale(now: ContinuousClock.Instant, grace: Duration) -> Bool {
        guard let since = gapOpenSince else { return false }
        return now - since >= grace
    }

    /// True when this node appended the last row it knows of, and nothing below it is missing: the rule for
    /// which node writes time-based checkpoints and automatic versions (one node per burst).
    public var wroteLastKnownRow: Bool { !hasGap && lastOwn == highestKnown && lastOwn > 0 }

    private mutating func updateGap(_ now: ContinuousClock.Instant) {
        if !hasGap {
            gapOpenSince = nil
        } else if gapOpenSince == nil {
            gapOpenSince = now
        }
    }
}
