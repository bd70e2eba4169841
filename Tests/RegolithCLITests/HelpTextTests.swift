import Foundation
import Testing
import TestSupport

/// Every `--help` as a user reads it in an 80-column terminal (swift-argument-parser wraps to the
/// COLUMNS variable): no paragraph wrapped twice (a hard line break in the source leaves a long line
/// and a one- or two-word orphan mid-paragraph), no default stated twice, and no line of an
/// indented block (examples, YAML) wrapped back to the margin.
@Suite("Help texts at 80 columns") struct HelpTextTests {
    static func help(_ arguments: [String]) throws -> String {
        let result = try ChildProcess.regolith(arguments + ["--help"], environment: ["COLUMNS": "80"])
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return result.stdout
    }

    /// The subcommands the top-level help lists.
    static func subcommands() throws -> [String] {
        let lines = try help([]).split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex(of: "SUBCOMMANDS:"))
        return lines[(start + 1)...].compactMap { line in
            line.hasPrefix("  ") && !line.hasPrefix("   ") ? line.split(separator: " ").first.map(String.init) : nil
        }
    }

    @Test func theParserWrapsToCOLUMNS() throws {
        let narrow = try ChildProcess.regolith(["run", "--help"], environment: ["COLUMNS": "50"]).stdout
        #expect(narrow.split(separator: "\n").allSatisfy { $0.count <= 50 || !$0.contains(" ") || $0.hasPrefix("USAGE") },
                "COLUMNS=50 is not honoured")
    }

    @Test func everyHelpReadsWellAt80Columns() throws {
        let commands = try Self.subcommands()
        #expect(commands.count >= 15 && commands.contains("run") && commands.contains("render"), "\(commands)")
        for command in [""] + commands {
            let text = try Self.help(command.isEmpty ? [] : [command])
            for problem in Self.problems(in: text) {
                Issue.record("regolith \(command) --help: \(problem)")
            }
        }
    }

    /// The checks, on one rendered help text.
    static func problems(in text: String) -> [String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func indent(_ line: String) -> Int { line.prefix { $0 == " " }.count }
        var problems: [String] = []
        // A line ending mid-sentence, then a one- or two-word line that the paragraph goes on after.
        for i in lines.indices.dropLast(2) {
            let (line, orphan, next) = (lines[i], lines[i + 1], lines[i + 2])
            guard !line.isEmpty, !orphan.trimmingCharacters(in: .whitespaces).isEmpty,
                  !next.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            guard let last = line.last, !".:!?".contains(last) else { continue }
            let words = orphan.split(separator: " ").count
            if words <= 2 && indent(orphan) == indent(next) && !next.trimmingCharacters(in: .whitespaces).hasPrefix("-") {
                problems.append("wrapped twice: '\(line)' / '\(orphan)'")
            }
        }
        // One option's entry (its first line and its indented continuation) names its default once.
        var entry = ""
        for line in lines + [""] {
            if line.hasPrefix("  -") || line.hasPrefix("  <") || line.isEmpty {
                if entry.hasPrefix("  -") || entry.hasPrefix("  <"), entry.components(separatedBy: "(default").count > 2 { problems.append("default stated twice: \(entry)") }
                entry = line
            } else {
                entry += " " + line.trimmingCharacters(in: .whitespaces)
            }
        }
        // Inside an indented block after a heading such as "Examples:", no line starts at the margin.
        var inBlock = false
        for line in lines {
            if line.isEmpty { inBlock = false; continue }
            if indent(line) == 0 && line.hasSuffix(":") && !line.contains(" ") || line == "Configuration (YAML, every key optional; paths relative to the file):" {
                inBlock = true
                continue
            }
            if inBlock && indent(line) == 0 && !line.hasPrefix("USAGE") {
                problems.append("a block line wrapped to the margin: '\(line)'")
            }
        }
        return problems
    }

    /// The checks catch what they are for, on the texts this suite was written against.
    @Test func theChecksCatchTheOldFaults() {
        let twice = """
            Generation streams tile by tile in bounded memory; files are byte-identical for
            the same
            seed and size whatever --threads and --tile-size.
            """
        #expect(Self.problems(in: twice).count == 1)
        #expect(Self.problems(in: "  --threads <threads>     Worker threads (default: all cores). (default: 2)").count == 1)
        #expect(Self.problems(in: "  --samples-crs <crs>     CRS of the samples (default EPSG:4326). (default: EPSG:4326)").count == 1)
        #expect(Self.problems(in: "Examples:\n  regolith info\nfixtures/world/scene.tiff").count == 1)
        let natural = """
              -q, --quiet             Print nothing on stderr but errors (no progress, no
                                      GDAL warnings).
              -h, --help              Show help information.
            """
        #expect(Self.problems(in: natural).isEmpty, "the last line of a paragraph may be short")
    }
}
