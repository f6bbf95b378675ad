import Foundation
import Render
import Timeline

/// A temporary directory removed when the test ends.
struct TempDir: ~Copyable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "editbay-render-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }
}

/// Small media for fast tests: 160×90 at 30 fps.
enum Small {
    static let rate = FrameRate.fps30
    static let format = MediaGenerator.Format(width: 160, height: 90, rate: rate)
    static func seconds(_ s: Double) -> Flicks { try! Flicks(seconds: s) }
    static func frames(_ n: Int64) -> Flicks { Flicks(n * rate.flicksPerFrame!) }

    static let red = MediaInspector.Color(red: 255, green: 0, blue: 0)
    static let blue = MediaInspector.Color(red: 0, green: 0, blue: 255)
    static let black = MediaInspector.Color(red: 0, green: 0, blue: 0)
    static let green = MediaInspector.Color(red: 0, green: 128, blue: 0)
}
