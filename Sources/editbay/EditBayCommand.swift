import ArgumentParser

/// The `editbay` binary.
@main
struct EditBayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "editbay",
        abstract: "EditBay: a real-time collaboration server for video editing.",
        subcommands: [Serve.self, Worker.self, Migrate.self, RenderCommand.self, TimelineCommand.self, Version.self],
        defaultSubcommand: Serve.self
    )
}

/// Prints the version.
struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the version of editbay.")
    static let number = "0.1.0"

    func run() {
        print("editbay \(Self.number)")
    }
}
