import ArgumentParser
import Foundation
import Inversion
import Pipeline
import RasterIO
import TileEngine

/// `regolith plan`: how a batch of scenes splits into work units and Slurm array tasks.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Splits scenes into work units and the units over N Slurm array tasks; prints the sbatch line.",
        discussion: """
            Reads only the scenes' headers; products in sensor geometry given with the orthorectification options (--dem, --height, --t-srs, --res, as the tasks get them) are planned on their orthorectified grids, and the printed sbatch line passes those options on. A unit is a band of --unit-rows scene rows; the units are split, in order, into N runs of about equal pixels. Every task of the array recomputes the same plan from the same scenes and options (it depends on nothing else), stores it as plan.json in the output folder, and runs only its own units (--shard I/N, or the Slurm array variables). `regolith mosaic` then checks that every unit is there.

            Examples:
              regolith plan @province.txt --tasks 64 --memory 4GiB
              regolith plan scenes/*.tiff --tasks 4 --json
              regolith plan GF2_*.tar.gz --dem dem.tif --tasks 16 --command "invert model/"
            """
    )

    @Argument(help: "Scenes, or @list.txt with one path per line.")
    var scenes: [String]

    @Option(help: "Array tasks to split the units over.") var tasks = 1
    @Option(help: "Scene rows per work unit.") var unitRows = ShardPlan.defaultUnitRows
    @Option(help: ArgumentHelp("Each task's --memory; the sbatch --mem request is derived from it.", valueName: "size")) var memory: String?
    @Option(help: "Each task's --tile-size (default: each task picks the largest that fits --memory).") var tileSize: Int?
    @Option(help: "CPUs per task (each task's --threads).") var threads = 1
    @Option(help: "The regolith command and its options, for the printed sbatch line, e.g. \"ndvi --red 3\".") var command = "COMMAND"
    @Option(help: "The shared output folder, for the printed sbatch line.") var out = "OUT"
    @Flag(help: "Print the plan as JSON.") var json = false
    @OptionGroup(title: "Orthorectification") var ortho: OrthorectificationOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let problem = SettingRules.tasks(tasks) { throw ValidationError("--tasks: \(problem)") }
        guard unitRows >= 1 else { throw ValidationError("--unit-rows must be positive") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        if let problem = memory.flatMap(SettingRules.memory) { throw ValidationError("--memory: \(problem)") }
        if let problem = tileSize.flatMap(SettingRules.tileSize) { throw ValidationError("--tile-size: \(problem)") }
    }

    /// What `--json` prints.
    struct Report: Encodable {
        struct Task: Encodable {
            let task: Int
            let units: Int
            let pixels: Int
        }
        let plan: ShardPlan
        let tasks: [Task]
        let memoryRequestMiB: Int
        let sbatch: String
    }

    func run() throws {
        global.apply()
        var source: (@Sendable (String) throws -> RasterSource)?
        if ortho.requested {
            let settings = ortho.settings
            source = { @Sendable scene in try settings.orthorectification(of: scene).rasterSource }
        }
        let plan = try ShardPlan.make(scenes: try GF2Product.sceneRasters(scenes), unitRows: unitRows, tasks: tasks, source: source)
        let budget = memory.flatMap(ByteSize.parse) ?? EngineOptions.defaultMemoryBudget
        let memoryRequest = SlurmRequest.memoryMiB(budget: budget)
        // One pass over the units, not one per task: a plan may have a million of each.
        let unitsByTask = Dictionary(grouping: plan.units, by: \.task)
        let report = Report(plan: plan,
                            tasks: (0..<tasks).map { task in
                                let units = unitsByTask[task] ?? []
                                return Report.Task(task: task, units: units.count, pixels: units.reduce(0) { $0 + $1.pixels })
                            },
                            memoryRequestMiB: memoryRequest, sbatch: sbatchLine(budget: budget, memoryRequest: memoryRequest))
        if json {
            print(try JSONText.encode(report), terminator: "")
        } else {
            printText(report)
        }
    }

    private func sbatchLine(budget: Int, memoryRequest: Int) -> String {
        var words = ["sbatch", "--array=0-\(tasks - 1)", "--cpus-per-task=\(threads)", "--mem=\(memoryRequest)M",
                     "tools/slurm/regolith-array.sbatch", "\(tasks)"]
        words += command.split(separator: " ").map(String.init) + scenes.map(Self.shellQuoted) + ortho.arguments.map(Self.shellQuoted)
        words += ["--out", Self.shellQuoted(out), "--memory", "\(budget >> 20)MiB", "--unit-rows", "\(unitRows)"]
        if let tileSize { words += ["--tile-size", "\(tileSize)"] }
        return words.joined(separator: " ")
    }

    static func shellQuoted(_ word: String) -> String {
        let plain = word.allSatisfy { $0.isLetter || $0.isNumber || "@%+=:,./_-".contains($0) }
        return plain && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    private func printText(_ report: Report) {
        let plan = report.plan
        let total = max(1, plan.totalPixels)
        var lines: [String] = []
        lines.append(String(format: "%d scene(s), %d unit(s) of up to %d rows, %.1f Mpixel, over %d task(s)",
                            plan.scenes.count, plan.units.count, plan.unitRows, Double(plan.totalPixels) / 1e6, tasks))
        lines.append("units:")
        for unit in plan.units {
            let scene = plan.scenes[unit.scene]
            var line = "  \(unit.index)\t\(scene.stem)\trows \(unit.firstRow)–\(unit.endRow)\t\(unit.pixels) px\ttask \(unit.task)"
            if let tileSize {
                let tiles = ((scene.width + tileSize - 1) / tileSize) * ((unit.endRow - unit.firstRow + tileSize - 1) / tileSize)
                line += "\t\(tiles) tile(s)"
            }
            lines.append(line)
        }
        lines.append("tasks:")
        for task in report.tasks {
            lines.append(String(format: "  task %d: %d unit(s), %.2f Mpixel (%.1f%%)", task.task, task.units,
                                Double(task.pixels) / 1e6, 100 * Double(task.pixels) / Double(total)))
        }
        let idle = report.tasks.filter { $0.units == 0 }.count
        if idle > 0 {
            lines.append("note: \(idle) task(s) get no unit (\(plan.units.count) units for \(tasks) tasks); use fewer --tasks or smaller --unit-rows")
        }
        lines.append("memory per task: --mem=\(report.memoryRequestMiB)M (--memory plus the engine's 64 MiB overhead, plus 10%)")
        lines.append("submit (then the mosaic job with --dependency=afterok; tools/slurm/submit.sh does both):")
        lines.append("  " + report.sbatch)
        print(lines.joined(separator: "\n"))
    }
}
