import Foundation
import RasterIO
import Testing
import TestSupport

/// A region run as its job graph in stages (`run --stage product --task K` for every product, then
/// `run --stage region`) against the in-process run of `RunProvinceTests` (same 3 × 3 province and
/// configuration): the same pixels and the same anomaly areas, and the stages' refusals.
@Suite("regolith run --stage: a region run's job graph gives the in-process run's pixels and areas")
struct RegionJobGraphTests {
    /// The rasters both runs write, compared pixel for pixel.
    static let rasters = ["mosaic.tif", "mosaic.source.tif", "content.tif", "content-interval.tif", "geochem.tif", "anomaly-ranks.tif"]

    static func pixels(_ path: String) throws -> [Float] {
        let raster = try Raster.open(path)
        return try raster.read(raster.fullWindow, as: Float.self)
    }

    /// Every field and geometry of every area, as ogrinfo lists them (independent of the code that wrote them).
    static func features(_ gpkg: String) throws -> String {
        let ogrinfo = try #require(ChildProcess.which("ogrinfo"), "ogrinfo (gdal-bin) is not installed")
        let result = try ChildProcess.run(ogrinfo, ["-q", "-al", gpkg])
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout
    }

    /// Compares a run folder with the in-process run's: every raster's pixels and the GPKG's features.
    static func expectSameRun(_ folder: String, as reference: String) throws {
        for name in rasters {
            let made = try pixels("\(folder)/\(name)"), expected = try pixels("\(reference)/\(name)")
            // NaN-aware: NaN is nodata in some bands.
            #expect(made.count == expected.count && zip(made, expected).allSatisfy { $0.bitPattern == $1.bitPattern }, "\(name) differs")
        }
        let areas = try features("\(reference)/anomalies.gpkg")
        #expect(areas.contains("OGRFeature(anomalies):1"), "the reference run found no area")
        #expect(try features("\(folder)/anomalies.gpkg") == areas, "anomalies.gpkg differs")
    }

    static func stage(_ runs: RunProvinceTests.Runs, out: String, _ arguments: [String]) throws -> ChildProcessResult {
        try ChildProcess.regolith(["run", "\(runs.province)/region.yml", "--out", out, "--quiet"] + arguments)
    }

    @Test("every product's view, then the region stage: the in-process run's rasters and areas; stale or missing views refused")
    func stagesEqualTheInProcessRun() throws {
        let runs = try RunProvinceTests.runs.get()
        let out = runs.folder.file("graph")
        let products = RunProvinceTests.products
        // The first tasks by hand, planning the whole region; the others as Slurm runs them, from the
        // graph's plan that `--slurm-script-only` writes: the region stage takes views of both.
        for task in 0..<products {
            if task == 4 {
                let scripts = try Self.stage(runs, out: out, ["--slurm-script-only"])
                #expect(scripts.status == 0 && FileManager.default.fileExists(atPath: "\(out)/slurm/region-plan.json"), "\(scripts.stderr)")
            }
            let made = try Self.stage(runs, out: out, ["--stage", "product", "--task", "\(task)"])
            #expect(made.status == 0 && made.stdout.contains("wrote \(out)/mosaic.products/\(task).tif"), "\(made.stderr)\(made.stdout)")
        }
        let again = try Self.stage(runs, out: out, ["--stage", "product", "--task", "1"])
        #expect(again.status == 0 && again.stdout.contains("made already from the same product and DEM; skipped"), "\(again.stdout)")
        let beyond = try Self.stage(runs, out: out, ["--stage", "product", "--task", "\(products)"])
        #expect(beyond.status == 1 && beyond.stderr.contains("scenes: has \(products) products (tasks 0 to \(products - 1)), no task \(products)"), "\(beyond.stderr)")

        // A view missing, or one made from another product: the region stage refuses in one line
        // naming the file, before writing anything.
        let view = "\(out)/mosaic.products/2.tif", kept = runs.folder.file("view-2.tif")
        try FileManager.default.moveItem(atPath: view, toPath: kept)
        let missing = try Self.stage(runs, out: out, ["--stage", "region"])
        #expect(missing.status == 1 && missing.stderr.split(separator: "\n").count == 1
                && missing.stderr.contains("\(view): missing: product 3 (") && missing.stderr.contains("--task 2"), "\(missing.stderr)")
        try FileManager.default.copyItem(atPath: "\(out)/mosaic.products/0.tif", toPath: view)
        let stale = try Self.stage(runs, out: out, ["--stage", "region"])
        #expect(stale.status == 1 && stale.stderr.split(separator: "\n").count == 1
                && stale.stderr.contains("\(view): was made from other inputs than product 3 now"), "\(stale.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(out)/mosaic.tif") && !FileManager.default.fileExists(atPath: "\(out)/content.tif"))
        // Its task makes it again over the stale one: the same pixels as made first.
        let remade = try Self.stage(runs, out: out, ["--stage", "product", "--task", "2"])
        #expect(remade.status == 0 && remade.stdout.contains("wrote"), "\(remade.stderr)")
        #expect(try Self.pixels(view) == Self.pixels(kept))

        let region = try Self.stage(runs, out: out, ["--stage", "region"])
        #expect(region.status == 0, "\(region.stderr)")
        try Self.expectSameRun(out, as: runs.regionFolder)
    }

    @Test("with the graph's plan a product task reads its own product alone; a plan older than the products is refused")
    func productTaskReadsItsOwnProduct() throws {
        let runs = try RunProvinceTests.runs.get()
        // A copy of the province: its products are damaged here.
        let copy = runs.folder.file("plan-province")
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
        let names = try FileManager.default.contentsOfDirectory(atPath: runs.province).filter { $0.hasSuffix(".tar.gz") }
        #expect(names.count == RunProvinceTests.products)
        for name in names + ["catalogue.json", "dem.tif", "samples.csv", "truth", "region.yml"] {
            try FileManager.default.copyItem(atPath: "\(runs.province)/\(name)", toPath: "\(copy)/\(name)")
        }
        let stage = { (out: String, arguments: [String]) in
            try ChildProcess.regolith(["run", "\(copy)/region.yml", "--out", out, "--quiet"] + arguments)
        }
        let planned = "\(copy)/graph"
        let scripts = try stage(planned, ["--slurm-script-only"])
        #expect(scripts.status == 0, "\(scripts.stderr)")
        let plan = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(planned)/slurm/region-plan.json"))) as! [String: Any]
        let listed = try #require(plan["products"] as? [String])
        #expect(listed.count == RunProvinceTests.products)
        try #require(listed.allSatisfy { $0.hasPrefix(copy + "/") }, "the copy's catalogue names products outside it: \(listed)")
        let whole = try stage("\(copy)/reference", ["--stage", "product", "--task", "0"])
        #expect(whole.status == 0, "\(whole.stderr)")

        // Every other product damaged, with its size and date kept: task 0 from the plan does not
        // notice and makes the view the whole region's plan makes, while planning the region fails.
        let touch = try #require(ChildProcess.which("touch")), cp = try #require(ChildProcess.which("cp"))
        for product in listed.dropFirst() {
            let size = try #require(VirtualFile.status(product)).bytes
            #expect(try ChildProcess.run(cp, ["-p", product, product + ".kept"]).status == 0)
            let handle = try #require(FileHandle(forWritingAtPath: product))
            handle.write(Data(repeating: 0, count: size))
            try handle.close()
            #expect(try ChildProcess.run(touch, ["-r", product + ".kept", product]).status == 0)
        }
        let made = try stage(planned, ["--stage", "product", "--task", "0"])
        #expect(made.status == 0 && made.stdout.contains("wrote \(planned)/mosaic.products/0.tif"), "\(made.stderr)")
        let unplanned = try stage("\(copy)/unplanned", ["--stage", "product", "--task", "0"])
        #expect(unplanned.status == 1 && unplanned.stderr.split(separator: "\n").count == 1, "\(unplanned.stderr)")
        let reference = try Raster.open("\(copy)/reference/mosaic.products/0.tif"), view = try Raster.open("\(planned)/mosaic.products/0.tif")
        #expect(view.geoTransform == reference.geoTransform && view.width == reference.width && view.height == reference.height)
        #expect(try view.read(view.fullWindow, as: UInt16.self) == reference.read(reference.fullWindow, as: UInt16.self))

        // A product touched since the plan: a task refuses the plan in one line and writes nothing.
        #expect(try ChildProcess.run(touch, [listed[0]]).status == 0)
        let stale = try stage(planned, ["--stage", "product", "--task", "1"])
        #expect(stale.status == 1 && stale.stderr.split(separator: "\n").count == 1
                && stale.stderr.contains("\(planned)/slurm/region-plan.json: \(listed[0]) changed since the graph was planned") && stale.stderr.contains("--slurm"),
                "\(stale.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(planned)/mosaic.products/1.tif"))
        // A configuration listing other products than the plan's.
        try String(contentsOfFile: "\(copy)/region.yml", encoding: .utf8)
            .replacingOccurrences(of: "scenes: catalogue.json", with: "scenes: [\(listed[0]), \(listed[1])]")
            .write(toFile: "\(copy)/region.yml", atomically: true, encoding: .utf8)
        let other = try stage(planned, ["--stage", "product", "--task", "1"])
        #expect(other.status == 1 && other.stderr.contains("region-plan.json: the configuration lists 2 products, the graph was planned for \(RunProvinceTests.products)"),
                "\(other.stderr)")
    }

    @Test("--slurm-script-only writes the job scripts and prints the sbatch lines; usage errors exit 2")
    func scriptsOnly() throws {
        let runs = try RunProvinceTests.runs.get()
        let out = runs.folder.file("scripts")
        let result = try Self.stage(runs, out: out, ["--slurm-script-only", "--partition", "batch", "--cpus", "2", "--memory", "1GiB", "--time", "1:00:00"])
        #expect(result.status == 0, "\(result.stderr)")
        // 1 GiB + the engine's 64 MiB, plus 10 %: 1197 MiB.
        #expect(result.stdout.contains("--array=0-\(RunProvinceTests.products - 1)") && result.stdout.contains("--mem=1197M") && result.stdout.contains("--partition=batch")
                && result.stdout.contains("--time=1:00:00") && result.stdout.contains("--dependency=afterok:ARRAY_JOB_ID"), "\(result.stdout)")
        let products = try String(contentsOfFile: "\(out)/slurm/products.sbatch", encoding: .utf8)
        #expect(products.contains("--stage product") && products.contains(#"--task "${SLURM_ARRAY_TASK_ID}""#) && products.contains("--memory 1GiB"), "\(products)")
        let region = try String(contentsOfFile: "\(out)/slurm/region.sbatch", encoding: .utf8)
        #expect(region.contains("--stage region") && !region.contains("--task"), "\(region)")
        #expect(!FileManager.default.fileExists(atPath: "\(out)/products"))
        // The run's own checks come before any job: an output folder that holds the inputs is refused
        // in one line (exit 2, as `run` refuses it), and neither a script nor a view is written there.
        for arguments in [["--slurm-script-only"], ["--stage", "product", "--task", "0"]] {
            let inside = try Self.stage(runs, out: runs.province, arguments)
            #expect(inside.status == 2 && inside.stderr.split(separator: "\n").count == 1 && inside.stderr.contains("holds the input"), "\(arguments): \(inside.stderr)")
            #expect(!FileManager.default.fileExists(atPath: "\(runs.province)/slurm") && !FileManager.default.fileExists(atPath: "\(runs.province)/products"))
        }
        // One scene has no job graph.
        let single = try ChildProcess.regolith(["run", "\(runs.province)/single.yml", "--out", runs.folder.file("single-stage"), "--stage", "region", "--quiet"])
        #expect(single.status == 1 && single.stderr.contains("single.yml: scenes: missing: a run in stages or on Slurm is a region's"), "\(single.stderr)")
        #expect(!FileManager.default.fileExists(atPath: runs.folder.file("single-stage")))
        for wrong in [["--stage", "region", "--slurm"], ["--task", "1"], ["--partition", "batch"]] {
            let refused = try Self.stage(runs, out: out, wrong)
            #expect(refused.status == 2, "\(wrong): \(refused.status) \(refused.stderr)")
        }
    }
}
