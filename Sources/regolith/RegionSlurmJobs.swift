import Foundation
import Inversion
import Pipeline
import RasterIO
import TileEngine

/// A region run as a Slurm job graph (`regolith run --slurm`): a job array with one task per
/// product (`run --stage product --task K`, its view in the run folder), then the region job
/// (`run --stage region`: mosaic from the views, samples to report), which starts only once every
/// task succeeded (`--dependency=afterok`) and is cancelled if one fails (`--kill-on-invalid-dep=yes`).
/// The scripts go into the run folder's `slurm/`, the jobs' logs into its `logs/`.
struct RegionSlurmJobs {
    /// The configuration, the run folder and the regolith binary, as absolute paths (the jobs may
    /// start elsewhere).
    var configuration: String
    var out: String
    var regolith: String
    var products: Int
    /// Options every stage command gets besides its stage (the command line's overrides).
    var stageOptions: [String]
    var cpus: Int
    /// The engine's memory budget of each job; sbatch's --mem is derived from it (`SlurmRequest`).
    var memoryBudget: Int
    var partition: String?
    var time: String?
    /// Options of the region job alone: `--restart` discards the region's partial rasters there, but
    /// a requeued or resubmitted product task keeps the views finished already.
    var regionOptions: [String] = []

    var scriptFolder: String { (out as NSString).appendingPathComponent("slurm") }
    var logFolder: String { (out as NSString).appendingPathComponent("logs") }
    var productScript: String { (scriptFolder as NSString).appendingPathComponent("products.sbatch") }
    var regionScript: String { (scriptFolder as NSString).appendingPathComponent("region.sbatch") }

    /// `stage`: the stage's options; `rawStage`: more of them as shell text (variables expanded by the job's shell).
    private func script(name: String, comment: String, stage: [String], rawStage: String = "", requeue: Bool) -> String {
        let command = [regolith, "run", configuration, "--out", out] + stage + stageOptions
        return """
            #!/usr/bin/env bash
            # \(comment)
            # Written by `regolith run --slurm`; rerunning that command resubmits the graph (finished products are skipped).
            #SBATCH --job-name=\(name)
            \(requeue ? "#SBATCH --requeue\n" : "")#SBATCH --open-mode=append
            set -euo pipefail
            exec \(command.map(PlanCommand.shellQuoted).joined(separator: " "))\(rawStage) --threads "${SLURM_CPUS_PER_TASK:-1}"

            """
    }

    var productScriptText: String {
        script(name: "regolith-products", comment: "Array task K: product K of \(products) (0-based, catalogue order) orthorectified into mosaic.products/K.tif.",
               stage: ["--stage", "product"], rawStage: " --task \"${SLURM_ARRAY_TASK_ID}\"", requeue: true)
    }

    var regionScriptText: String {
        script(name: "regolith-region", comment: "After every product task: the mosaic from the product views, then samples, training, inversion, kriging, anomalies and the report.",
               stage: ["--stage", "region"] + regionOptions, requeue: false)
    }

    /// sbatch's options for both jobs.
    private var common: [String] {
        ["--cpus-per-task=\(cpus)", "--mem=\(SlurmRequest.memoryMiB(budget: memoryBudget))M"]
            + (partition.map { ["--partition=\($0)"] } ?? []) + (time.map { ["--time=\($0)"] } ?? [])
    }

    var arrayArguments: [String] {
        common + ["--array=0-\(products - 1)", "--output=\((logFolder as NSString).appendingPathComponent("product-%A_%a.out"))", productScript]
    }

    func regionArguments(after arrayJob: String) -> [String] {
        common + ["--dependency=afterok:\(arrayJob)", "--kill-on-invalid-dep=yes",
                  "--output=\((logFolder as NSString).appendingPathComponent("region-%j.out"))", regionScript]
    }

    /// Writes both scripts (and the log folder).
    func write() throws {
        for folder in [scriptFolder, logFolder] {
            do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
                throw RasterError(folder, .notWritable, "cannot create it (\(error.localizedDescription))")
            }
        }
        try AtomicTextFile.write(productScriptText, to: productScript)
        try AtomicTextFile.write(regionScriptText, to: regionScript)
    }

    /// The two sbatch command lines, for `--slurm-script-only`.
    var commandLines: [String] {
        [(["sbatch"] + arrayArguments).map(PlanCommand.shellQuoted).joined(separator: " "),
         (["sbatch"] + regionArguments(after: "ARRAY_JOB_ID")).map(PlanCommand.shellQuoted).joined(separator: " ")]
    }

    /// Submits the array, then the region job after it; their job ids.
    /// When the region job is refused, the array is cancelled again: no product tasks run for a
    /// graph that would never finish.
    func submit() throws -> (array: String, region: String) {
        let array = try Self.sbatch(arrayArguments)
        do {
            return (array, try Self.sbatch(regionArguments(after: array)))
        } catch let failure as CommandFailure {
            let cancel = Process()
            cancel.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            cancel.arguments = ["scancel", array]
            let cancelled = (try? cancel.run()).map { cancel.waitUntilExit(); return cancel.terminationStatus == 0 } ?? false
            throw CommandFailure(message: failure.message + (cancelled ? "; the product array \(array) was cancelled" : "; cancel the product array yourself: scancel \(array)"))
        }
    }

    /// Runs `sbatch --parsable` and returns the job id it prints.
    private static func sbatch(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sbatch", "--parsable"] + arguments
        let output = Pipe(), errors = Pipe()
        (process.standardOutput, process.standardError) = (output, errors)
        do { try process.run() } catch {
            throw CommandFailure(message: "sbatch: cannot be started (\(error.localizedDescription)); is Slurm installed here?")
        }
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let complaint = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // --parsable prints "<job id>" or "<job id>;<cluster>".
        let id = printed.split(separator: "\n").first.map { String($0.split(separator: ";").first ?? "") } ?? ""
        guard process.terminationStatus == 0, !id.isEmpty, id.allSatisfy(\.isNumber) else {
            let reason = (complaint + printed).split(separator: "\n").joined(separator: " ")
            throw CommandFailure(message: "sbatch \(arguments.last ?? ""): failed (status \(process.terminationStatus)): \(reason)")
        }
        return id
    }
}
