@testable import API
import NIOCore
import NIOPosix
import Testing

@Suite("Inbound back-pressure")
struct InboundFlowTests {
    @Test("past 64 waiting messages the channel stops reading; at 8 it reads again")
    func pausesAndResumesReading() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let server = try await ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        let channel = try await ClientBootstrap(group: group).connect(host: "127.0.0.1", port: port).get()
        defer {
            channel.close(promise: nil)
            server.close(promise: nil)
        }
        let flow = InboundFlow(high: 64, low: 8)
        try await channel.eventLoop.submit { for _ in 0..<63 { flow.received(channel: channel) } }.get()
        #expect(try await channel.getOption(.autoRead).get())
        try await channel.eventLoop.submit { flow.received(channel: channel) }.get()
        #expect(try await channel.getOption(.autoRead).get() == false)
        for _ in 0..<55 { flow.taken(channel: channel) }  // 9 still waiting
        try await channel.eventLoop.submit {}.get()
        #expect(try await channel.getOption(.autoRead).get() == false)
        flow.taken(channel: channel)  // 8 waiting
        try await channel.eventLoop.submit {}.get()  // the resume runs on the loop, before this
        #expect(try await channel.getOption(.autoRead).get())
    }
}
