import ArgumentParser
import CPUCheck
import Foundation
import RasterIO

#if !os(Linux)
#error("Regolith builds on Linux only: GDAL through pkg-config, memory from /proc, glibc's CPU feature check")
#endif

/// The `regolith` command: one binary, one subcommand per step of the method.
struct Regolith: ParsableCommand {
    static let version = "0.1.0"

    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "regolith",
            abstract: "Maps ion-adsorption rare-earth (RE2O3) content from GF-2 scenes, streamed in tiles.",
            discussion: """
                Exit codes: 0 success, 1 a problem with the input or the run (one line on stderr naming the file), 2 a usage error.

                Example:
                  regolith info \\
                      fixtures/world/GF2_PMS1_E107.2_N22.5_20201112_L1A0005218441-MSS1.tiff
                """,
            version: "regolith \(version) (GDAL \(GDAL.version))",
            subcommands: [InfoCommand.self, SynthCommand.self, CalibrateCommand.self, SamplesCommand.self, CorrelateCommand.self,
                          TrainCommand.self, InvertCommand.self, RunCommand.self,
                          KrigeCommand.self, CompareCommand.self, AnomaliesCommand.self, RenderCommand.self,
                          NDVICommand.self, FocalMeanCommand.self, OrthoCommand.self, PlanCommand.self, MosaicCommand.self, ProductMosaicCommand.self, BenchCommand.self]
        )
    }
}

/// Options every subcommand shares.
struct GlobalOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Print nothing on stderr but errors (no progress, no GDAL warnings).")
    var quiet = false

    func apply() {
        GDAL.quietWarnings = quiet
    }
}

/// Exit codes as the README documents them; ArgumentParser's own usage code (64) becomes 2.
enum ExitStatus {
    static let inputError: Int32 = 1
    static let usageError: Int32 = 2
}

@main
enum RegolithMain {
    static func main() {
        // First: a CPU without the ISA this binary was compiled for gets one line, not SIGILL later.
        regolith_cpu_check_or_exit()
        do {
            var command = try Regolith.parseAsRoot()
            try command.run()
        } catch {
            let code = Regolith.exitCode(for: error)
            if code == .success || error is ExitCode {
                Regolith.exit(withError: error)
            }
            if let collision = error as? OutputPaths.Collision {
                FileHandle.standardError.write(Data("regolith: \(collision)\n".utf8))
                exit(ExitStatus.usageError)
            }
            if code == .validationFailure {
                // One line, like every other error: the problem and where the help is.
                let problem = Regolith.message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid usage"
                let command = CommandLine.arguments.dropFirst().first { !$0.hasPrefix("-") }
                    .flatMap { name in Regolith.configuration.subcommands.contains { $0.configuration.commandName == name } ? name : nil }
                let help = command.map { "regolith \($0) --help" } ?? "regolith --help"
                FileHandle.standardError.write(Data("regolith: \(problem) (see '\(help)')\n".utf8))
                exit(ExitStatus.usageError)
            }
            // Regolith's own errors (RasterError, EngineError, CSVTable.Failure, …) describe
            // themselves in one line that starts with the file they concern.
            fail(String(describing: error))
        }
    }

    private static func fail(_ message: String) -> Never {
        let line = message.replacingOccurrences(of: "\n", with: " ")
        FileHandle.standardError.write(Data("regolith: \(line)\n".utf8))
        exit(ExitStatus.inputError)
    }
}

/// A user-facing failure worded by a command (e.g. a folder it cannot create).
struct CommandFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
