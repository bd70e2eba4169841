import ArgumentParser
import Dispatch
import Foundation
import Inversion
import Pipeline
import NeuralNet
import RasterIO
import Synchronization
import TileEngine

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Throughput of the paper-CNN inversion on this node, per thread count, end to end and inference only.",
        discussion: """
            Generates a synthetic GF-2 scene once (7300 × 6900 by default, kept in --work), then for each thread count runs `invert` end to end (read 4 × UInt16, standardise, CNN, write Float32 ZSTD, --memory) and the CNN alone on pixels held in memory. The network is the paper preset with seeded weights: its cost does not depend on the weights. Prints a table and, with --json, writes the figures for comparing nodes.

            Examples:
              regolith bench
              regolith bench --threads 1,2,4 --json node.json --work /scratch/regolith-bench
            """
    )

    @Option(help: "Thread counts, comma-separated (default: 1 and all cores).") var threads: String?
    @Option(help: "Scene width.") var width = 7300
    @Option(help: "Scene height.") var height = 6900
    @Option(help: "Memory budget of each end-to-end run.") var memory = "256MiB"
    @Option(help: "Folder for the scene and outputs (kept between runs).") var work = "/tmp/regolith-bench-node"
    @Option(help: "Pixels per thread for the inference-only measurement.") var inferencePixels = 4_000_000
    @Option(help: "Also write the figures as JSON here.") var json: String?
    @OptionGroup var global: GlobalOptions

    typealias Row = NodeBenchmark.Row
    typealias Report = NodeBenchmark.Report

    var threadCounts: [Int]? {
        guard let threads else { return [1, ProcessInfo.processInfo.activeProcessorCount].reduce(into: []) { if !$0.contains($1) { $0.append($1) } } }
        let list = threads.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        return list.isEmpty || list.contains { SettingRules.threads($0) != nil } ? nil : list
    }

    func validate() throws {
        guard threadCounts != nil else { throw ValidationError("--threads must be counts such as 1,2") }
        let problems: [(String, String?)] = [
            ("--width", SettingRules.count(width, in: 64...100_000)),
            ("--height", SettingRules.count(height, in: 64...100_000)),
            ("--memory", SettingRules.memory(memory)),
            ("--inference-pixels", SettingRules.count(inferencePixels, in: 1...100_000_000)),
        ]
        if let (option, problem) = problems.first(where: { $0.1 != nil }) { throw ValidationError("\(option): \(problem!)") }
    }

    func run() throws {
        global.apply()
        let sceneFolder = (work as NSString).appendingPathComponent("scene-\(width)x\(height)")
        var scene = try? FileManager.default.contentsOfDirectory(atPath: sceneFolder).first { $0.hasSuffix("-MSS1.tiff") }
        if scene == nil {
            if !global.quiet { FileHandle.standardError.write(Data("regolith bench: generating a \(width) × \(height) scene in \(sceneFolder)\n".utf8)) }
            _ = try SynthCommand.generate(width: width, height: height, seed: 7, samples: 374, out: sceneFolder,
                                          threads: ProcessInfo.processInfo.activeProcessorCount,
                                          progress: ProgressReporter(task: "synth", quiet: global.quiet))
            scene = try FileManager.default.contentsOfDirectory(atPath: sceneFolder).first { $0.hasSuffix("-MSS1.tiff") }
        }
        let scenePath = (sceneFolder as NSString).appendingPathComponent(scene!)
        let model = try NodeBenchmark.benchmarkModel(for: scenePath)
        let modelFolder = (work as NSString).appendingPathComponent("model")
        try model.save(to: modelFolder)
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        var rows: [Row] = []
        for count in threadCounts! {
            // End to end as a user runs it: a fresh `regolith invert` process, timed from outside.
            let output = (work as NSString).appendingPathComponent("content-\(count).tif")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = ["invert", modelFolder, scenePath, "--out", output, "--memory", memory, "--threads", "\(count)", "--quiet", "--restart"]
            process.standardOutput = FileHandle.nullDevice
            let started = DispatchTime.now().uptimeNanoseconds
            try process.run()
            process.waitUntilExit()
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            guard process.terminationStatus == 0 else { throw CommandFailure(message: "\(scenePath): `regolith invert` failed in the benchmark (exit \(process.terminationStatus))") }
            try? FileManager.default.removeItem(atPath: output)
            rows.append(Row(threads: count, endToEndSeconds: seconds, endToEndMpixelPerSecond: Double(width * height) / seconds / 1e6,
                            inferenceMpixelPerSecond: 0, peakResidentMiB: NodeBenchmark.childrenPeakResidentMiB))
        }
        // Inference only: the compiled plan on pixels already in memory.
        let kernel = try ContentMapKernel(model: model, modelContent: ContentInput(role: "model", source: modelFolder, digest: "bench"), sceneWidth: width, domain: nil)
        let pixels = try NodeBenchmark.samplePixels(scenePath, count: inferencePixels)
        for i in rows.indices { rows[i].inferenceMpixelPerSecond = NodeBenchmark.inferenceRate(kernel.paperPlan!, pixels: pixels, threads: rows[i].threads) }
        let report = Report(regolith: Regolith.version, gdal: GDAL.version, host: ProcessInfo.processInfo.hostName,
                            cores: ProcessInfo.processInfo.activeProcessorCount, scene: scenePath, pixels: width * height, rows: rows)
        print("paper CNN inversion, \(width) × \(height) scene (\(String(format: "%.1f", Double(width * height) / 1e6)) Mpixel), --memory \(memory), \(report.cores) cores")
        print("threads   end to end (s)   end to end Mpixel/s   inference only Mpixel/s   peak RSS MiB")
        for row in rows {
            print(String(format: "%7d   %14.2f   %19.2f   %23.2f   %12.0f", row.threads, row.endToEndSeconds, row.endToEndMpixelPerSecond,
                         row.inferenceMpixelPerSecond, row.peakResidentMiB))
        }
        if let json { try AtomicTextFile.writeJSON(report, to: json) }
    }
}
