import CFFmpeg
import Foundation

/// A bounded hand-over of decoded frames from one decode thread to the graph thread.
///
/// The producer blocks while it is full; the consumer waits (with a timeout, so it can check for
/// cancellation) while it is empty. Frames are owned by the queue while in it and move to
/// whoever takes them. A full queue lets its producer go on only once it is down to half, so
/// the two threads wake each other once per several frames rather than once per frame.
///
/// `@unchecked Sendable`: every stored property is read and written only while `condition` is locked.
final class FrameQueue: @unchecked Sendable {
    /// What ``pop(timeout:)`` found.
    enum Item {
        /// The next frame; the caller owns it now (free it with `av_frame_free`).
        case frame(UnsafeMutablePointer<AVFrame>)
        /// The stream ended; nothing more will come.
        case end
        /// Decoding failed; nothing more will come.
        case failed(RenderError)
        /// Nothing arrived within the timeout.
        case timedOut
    }

    private let condition = NSCondition()
    private var frames: [UnsafeMutablePointer<AVFrame>] = []
    private var head = 0
    private var finished = false
    private var failure: RenderError?
    private var closed = false
    private var producerWaiting = false
    private var consumerWaiting = false
    /// Frames it holds at most.
    let capacity: Int

    /// Creates a queue holding at most `capacity` frames (at least 1).
    init(capacity: Int) { self.capacity = max(1, capacity) }

    deinit { drain() }

    /// Producer: appends `frame`, waiting while the queue is full.
    /// - Returns: false if the consumer closed the queue; the frame stays the caller's.
    func push(_ frame: UnsafeMutablePointer<AVFrame>) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if frames.count - head >= capacity {
            producerWaiting = true
            while !closed && frames.count - head > capacity / 2 { condition.wait() }
            producerWaiting = false
        }
        guard !closed else { return false }
        frames.append(frame)
        if consumerWaiting { condition.broadcast() }
        return true
    }

    /// Producer: no more frames; `failure` says why if it was an error.
    func finish(failure: RenderError? = nil) {
        condition.lock()
        defer { condition.unlock() }
        finished = true
        self.failure = failure
        condition.broadcast()
    }

    /// Consumer: the next frame, the end, or a failure, waiting at most `timeout`.
    func pop(timeout: Duration) -> Item {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date().addingTimeInterval(Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18)
        consumerWaiting = true
        while head == frames.count && !finished {
            if !condition.wait(until: deadline) { break }
        }
        consumerWaiting = false
        if head < frames.count {
            let frame = frames[head]
            head += 1
            if head > 64 && head * 2 > frames.count {
                frames.removeFirst(head)
                head = 0
            }
            if producerWaiting && frames.count - head <= capacity / 2 { condition.broadcast() }
            return .frame(frame)
        }
        if let failure { return .failed(failure) }
        return finished ? .end : .timedOut
    }

    /// Consumer: stops the queue, frees the frames still in it and wakes a waiting producer.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
        drain()
    }

    private func drain() {
        condition.lock()
        defer { condition.unlock() }
        for i in head..<frames.count {
            var f: UnsafeMutablePointer<AVFrame>? = frames[i]
            av_frame_free(&f)
        }
        frames.removeAll()
        head = 0
    }
}
