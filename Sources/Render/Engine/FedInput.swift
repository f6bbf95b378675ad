/// A media stream that a graph reads through an open input `[label]`, fed by a ``DecodeWorker``
/// instead of a `movie=`/`amovie=` source filter (so decoding runs on its own thread, ahead of
/// the graph, and takes decoder options).
struct FedInput: Sendable {
    /// Which stream of the file.
    enum Kind: String, Sendable, Hashable {
        /// The best video stream.
        case video
        /// The best audio stream.
        case audio
    }

    /// The open input's label in the graph description.
    var label: String
    /// Video or sound.
    var kind: Kind
    /// The media file.
    var path: String
    /// Seconds from the container's start to seek to (the keyframe at or before it); 0 reads from the start.
    var seek: Double
    /// Output seconds at which the graph starts reading the stream: its worker starts a little before.
    var startSeconds: Double
    /// The media the graph keeps, if it trims the stream (`trim=start=…:duration=…`, in the
    /// stream's timestamps): the worker stops decoding a little past its end.
    var span: Span?
    /// Per-picture filters its decode thread runs on each decoded frame (see ``Filters``).
    var filters: Filters?
    /// AVCodecContext options for its decoder (e.g. `skip_loop_filter=all`).
    var decoderOptions: [String: String] = [:]
    /// Decoder threads (0 = FFmpeg's choice).
    var decoderThreads = 1
    /// The clip it belongs to, named in errors.
    var clip: String?
    /// The clip's asset, named in errors.
    var asset: String?

    /// Media a chain keeps: from the first frame at or after `start`, for `duration` seconds.
    struct Span: Sendable, Hashable {
        /// Seconds, in the stream's timestamps.
        var start: Double
        /// Seconds.
        var duration: Double
    }

    /// Filters a decode thread runs on each picture it decodes, before the frame goes to the
    /// graph: only filters that take one picture and give one back without looking at its time
    /// (turning it upright, scaling it), so running them before the chain's trim changes nothing
    /// but where the work happens. Scaling a picture right after decoding it, while it is in
    /// the decoding core's cache, costs a quarter of scaling it later on the graph thread.
    struct Filters: Sendable, Hashable {
        /// A filter chain, e.g. `scale=640:360:force_original_aspect_ratio=decrease:flags=fast_bilinear`.
        var description: String
        /// The pixel format it outputs (e.g. `yuv420p`).
        var pixelFormat: String
    }

    /// `error` restated for this input: `SOURCE_UNDECODABLE` naming the clip and asset.
    func failure(_ error: RenderError) -> RenderError {
        guard let clip else { return RenderError(.sourceUndecodable, error.message) }
        let asset = asset ?? "?"
        return RenderError(.sourceUndecodable, "clip \(clip) uses asset \(asset), whose media does not decode: \(error.message)", clip: clip, asset: asset)
    }
}
