import ArgumentParser
import Foundation
import Timeline

/// `editbay timeline …`: timeline files offline.
struct TimelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timeline",
        abstract: "Work with timeline files offline.",
        subcommands: [Convert.self]
    )

    /// `editbay timeline convert IN OUT`: OTIO ⇄ EditBay JSON, by file extension (`.otio`, `.json`).
    struct Convert: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Convert between OpenTimelineIO (.otio) and EditBay's JSON view (.json).",
            discussion: "The formats follow the file extensions; use --from/--to to override. `-` reads stdin or writes stdout."
        )

        @Argument(help: "Input file (.otio or .json), or - for stdin.") var input: String
        @Argument(help: "Output file (.otio or .json), or - for stdout.") var output: String
        @Option(help: "Input format: otio or editbay.") var from: String?
        @Option(help: "Output format: otio or editbay.") var to: String?

        func run() throws {
            let inputFormat = try format(from, file: input, role: "input")
            let outputFormat = try format(to, file: output, role: "output")
            let data: Data
            if input == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                guard let contents = FileManager.default.contents(atPath: input) else { throw ValidationError("cannot read \(input)") }
                data = contents
            }
            let converted: Data
            do {
                converted = try TimelineConverter.convert(data, from: inputFormat, to: outputFormat)
            } catch {
                throw ValidationError("\(input): \(error)")
            }
            if output == "-" {
                FileHandle.standardOutput.write(converted)
            } else {
                guard FileManager.default.createFile(atPath: output, contents: converted) else { throw ValidationError("cannot write \(output)") }
            }
        }

        private func format(_ explicit: String?, file: String, role: String) throws -> TimelineConverter.Format {
            if let explicit {
                guard let format = TimelineConverter.Format(rawValue: explicit) else { throw ValidationError("--\(role == "input" ? "from" : "to") must be otio or editbay") }
                return format
            }
            guard let format = TimelineConverter.Format(fileName: file) else {
                throw ValidationError("cannot tell the \(role) format of \(file): use a .otio or .json name, or --\(role == "input" ? "from" : "to")")
            }
            return format
        }
    }
}
