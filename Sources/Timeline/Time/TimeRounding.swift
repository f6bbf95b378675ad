/// How a conversion that does not come out exact picks an integer.
///
/// Conversions between flicks and frames, samples or seconds are exact whenever the rate divides
/// 705,600,000 (every common video and audio rate does); the rounding mode only matters for
/// instants between two units, or for unusual rates.
public enum TimeRounding: Sendable, Hashable {
    /// Toward negative infinity (floor): the frame *containing* an instant.
    case down
    /// Toward positive infinity (ceiling): the first frame boundary at or after an instant.
    case up
    /// To the nearest integer; an exact half goes away from zero (1.5 → 2, −1.5 → −2).
    case nearest
}
