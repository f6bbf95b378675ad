/// Sets clip properties; nil fields stay as they are.
public struct SetClip: Sendable, Hashable {
    /// The clip.
    public var clip: String
    /// Linear gain, 0…16.
    public var gain: Double?
    /// Opacity, 0…1.
    public var opacity: Double?
    /// Speed, 0.01…100 (media used must stay inside the asset).
    public var speed: Double?
    /// A new transition in.
    public var transitionIn: ClipTransition?
    /// True to remove the transition in (JSON `"transitionIn": null`).
    public var removeTransitionIn: Bool
    /// New name.
    public var name: String?

    /// Creates the operation.
    public init(
        clip: String,
        gain: Double? = nil,
        opacity: Double? = nil,
        speed: Double? = nil,
        transitionIn: ClipTransition? = nil,
        removeTransitionIn: Bool = false,
        name: String? = nil
    ) {
        self.clip = clip
        self.gain = gain
        self.opacity = opacity
        self.speed = speed
        self.transitionIn = transitionIn
        self.removeTransitionIn = removeTransitionIn
        self.name = name
    }
}
