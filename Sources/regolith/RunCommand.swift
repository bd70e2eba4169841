import ArgumentParser
import Foundation
import Pipeline
import RasterIO
import TileEngine

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "The whole method, scene and samples to anomaly areas, into one folder with an HTML report.",
        discussion: """
            Steps: calibrate (TOA reflectance, optional DOS, applied as the DNs are read: no reflectance scene is written) → samples (surface-to-surface sample set) → correlate (band screening) → train (every candidate — MLR, PLSR, the paper's CNN, the patch CNN — scored by spatial-block cross-validation against the measured contents; the best makes the map, `arch: paper` keeps the paper's CNN) → invert (content map, and its conformal prediction interval at `interval`) → krige (geochemical map on the same grid) → compare → anomalies → render → report.html. Without a configuration it runs on the bundled fixture world (fixtures/world), where the true content and anomaly zones are known, and the report scores the map against them.

            The scene may be a GF-2 product as delivered: its .tar.gz or .tar (read in place), its folder or its …-MSS1.tiff, with the product's XML. A product in sensor geometry (L1A, RPC only) needs `dem` (any CRS; or `height`): it is orthorectified once through GDAL's warper into scene-ortho.tif (DNs kept; `t_srs`, `res` and `resampling` as in `regolith ortho`), and with `pansharpen: true` fused with its PAN on the 1 m grid.

            A region's products go in as `scenes` instead of `scene`: a list of products, or a folder of products, an @list.txt or a STAC ItemCollection (.json), with `dem` for the whole region. They are mosaicked first into mosaic.tif and mosaic.source.tif as `regolith mosaic-products` does (`priority`, `target_date`, `feather`, `t_srs`, `res`, `resampling`; `cloud_reflectance` screens clouds per pixel; `normalise: true` fits each product's radiometry to the better-ranked products' over their overlap, as --normalise does; `dos: true` subtracts each product's own haze), and the method runs on the mosaic as on one reflectance scene; `model_scope: product` gives each product with `min_product_samples` samples (20 by default) its own model, fitted on them, and the region's model maps the rest; the report lists the products and each anomaly area's products.

            A region on Slurm: `--slurm` writes the run as a job graph into the output folder (slurm/products.sbatch, slurm/region.sbatch; logs in logs/) and submits it with sbatch: a job array with one task per product, each orthorectifying its product onto its own grid on the region grid into mosaic.products/K.tif (K its 0-based place in the catalogue; `--stage product --task K`, K from SLURM_ARRAY_TASK_ID in the job), then, once every task succeeded (--dependency=afterok), the region job (`--stage region`): the mosaic read from those views, then samples to report as in one process. It prints "array <job id>" and "region <job id>". `--slurm-script-only` writes the scripts and prints the sbatch lines instead. Both write slurm/region-plan.json too (the region's CRS and the products' files as planned), so that each task reads its own product alone; a task refuses that plan, naming it, when the products changed since (resubmit). A task resumes what a killed run of it left and skips a view made already from the same product and DEM, so resubmitting (rerunning the same `--slurm` command once the old jobs have ended) redoes only what is missing; the region stage refuses a view that is missing or was made from other inputs, naming the file. On one machine the plain run makes the same views in turn, then the mosaic from them, in one process.

            Covariates (`covariates`, `terrain`, `indices`) add predictors besides the scene's bands: rasters in any CRS and resolution put on the scene's grid by GDAL's warper, terrain derivatives of the DEM among them by GDAL's DEM processing, spectral indices; see `regolith samples --help`. The sample set gets a column per feature and the model records them.

            The configuration is checked whole before anything is written: an unknown or misspelt key, a value of the wrong type or out of range stops the run with one line naming the file and the key. --check only checks it.

            Configuration (YAML, every key optional; paths relative to the file):
              scene: GF2_PMS1_…-MSS1.tiff     samples: samples.csv     out: regolith-run
              samples_crs: EPSG:4326          column: re2o3            dos: false
              unit: ppm                       # default: none
              dem: dem.tif                    height: 250      # L1A only
              t_srs: EPSG:4545                res: 4           resampling: bilinear
              pansharpen: false               # true: the MSS fused with its PAN, 1 m
              scenes: catalogue.json          # instead of scene: a region's products
              priority: cloud,date,view       target_date: 2016-12-01
              feather: 0                      cloud_reflectance: 0.2   # scenes only
              normalise: false                # scenes only
              model_scope: region             min_product_samples: 20   # scenes
              input: reflectance              scale: 0.0001
              # reflectance made elsewhere (FLAASH/QUAC, GeoTIFF or ENVI), no calibrate
              delimiter: ";"                  x_column: easting        y_column: northing
              # delimiter and x/y columns: detected by default, recognised by name
              kriging: {model: auto, nmax: 32, block: 4, map_nmax: 32}
              # map_nmax: the geochemical map's neighbourhood; default global
              support: {mask: true, distance: 400, variance: 0.9}
              model: {arch: auto, patch_size: 5, iterations: 5000,
                      learning_rate: 0.001, seed: 1, mc_dropout: 0}
              validation: {train_fraction: 0.6667, folds: 5, block_size: 500, seed: 1}
              anomalies: {percentile: 95, min_area: 2000, min_hole: 2000, smooth: 3,
                          smooth_statistic: mean, simplify: 2,
                          mask_vegetation: 0.4, mask_water: 0.0}
              covariates: [{name: dem, path: srtm.tif, resampling: cubic},
                           {name: geology, path: geol.tif, resampling: nearest}]
              terrain: [slope, tpi]           terrain_from: dem   indices: [ndvi]
              # extra predictors on the scene's grid, as samples --covariate
              truth: {content: truth/re2o3.tif, zones: truth/zones.tif}
              memory: 512MiB                  threads: 2
              cog: true                       compress: zstd   (or deflate, lzw)
              interval: 0.9                   # level of content-interval.tif
              interval_weighting: content     # or none: a constant width

            The geochemical map is nodata beyond the samples' support: where the nearest sample is farther than `support.distance` (default: the variogram's practical range) or the kriging variance exceeds `support.variance` (default 0.9) times the prior variance. Within the support the map is kriged from every sample (the global neighbourhood), so it has no seams where a nearest-N neighbour set switches; `kriging.map_nmax` trades that for speed with many samples. The comparisons and scores cover the supported pixels only, and the report says how many. Without `unit` the outputs are labelled by the column's name alone.

            Examples:
              regolith run
              regolith run survey.yml --out results/
              regolith run survey.yml --check
              regolith run province.yml --slurm --partition batch --cpus 4 \\
                  --memory 4GiB --time 2:00:00
            """
    )

    @Argument(help: "YAML configuration (default: the fixture world).") var config: String?
    @Option(help: "Output folder (overrides the configuration's `out`).") var out: String?
    @Option(help: "Unit of the samples' value column, e.g. ppm (overrides the configuration's `unit`).") var unit: String?
    @Option(help: "Level of the content map's prediction interval, e.g. 0.9 (overrides the configuration's `interval`).") var interval: Double?
    @Flag(help: "Check the configuration and exit.") var check = false
    @Flag(help: "Discard the partial rasters an interrupted run left in the output folder instead of resuming them.") var restart = false
    @Option(help: ArgumentHelp("Peak memory budget of the run (or of each Slurm job), e.g. 2GiB (overrides the configuration's `memory`); sbatch's --mem is derived from it.", valueName: "size"))
    var memory: String?
    @Option(help: "Worker threads (overrides the configuration's `threads`).") var threads: Int?
    @Option(help: "Run one stage of a region's job graph: product (one product's view, with --task) or region (the mosaic from the views, then the rest of the run).")
    var stage: RunStage?
    @Option(help: "The product of --stage product: its 0-based place in the catalogue (default inside a Slurm array job: SLURM_ARRAY_TASK_ID).")
    var task: Int?
    @Flag(help: "Write a region run's job graph into the output folder and submit it with sbatch.") var slurm = false
    @Flag(help: "Write a region run's job graph into the output folder and print the sbatch lines, without submitting.") var slurmScriptOnly = false
    @Option(help: "Slurm partition of the jobs (default: the site's).") var partition: String?
    @Option(help: "CPUs per Slurm job (each job's --threads).") var cpus = 1
    @Option(help: "Time limit per Slurm job, in sbatch's format, e.g. 2:00:00 (default: the partition's).") var time: String?

    func validate() throws {
        if let problem = interval.flatMap(SettingRules.openFraction) { throw ValidationError("--interval: \(problem)") }
        if let problem = memory.flatMap(SettingRules.memory) { throw ValidationError("--memory: \(problem)") }
        if let problem = threads.flatMap(SettingRules.threads) { throw ValidationError("--threads: \(problem)") }
        if let problem = SettingRules.threads(cpus) { throw ValidationError("--cpus: \(problem)") }
        if slurm && slurmScriptOnly { throw ValidationError("give --slurm or --slurm-script-only, not both") }
        if stage != nil && (slurm || slurmScriptOnly) { throw ValidationError("--stage runs inside a job; --slurm submits the jobs: give one") }
        if task != nil && stage != .product { throw ValidationError("--task goes with --stage product") }
        if let task, task < 0 { throw ValidationError("--task must be 0 or more") }
        if !(slurm || slurmScriptOnly) && (partition != nil || time != nil || cpus != 1) {
            throw ValidationError("--partition, --cpus and --time go with --slurm or --slurm-script-only")
        }
    }
    @OptionGroup var global: GlobalOptions

    func run() throws {
        global.apply()
        var loaded = try config.map(RunConfiguration.load) ?? RunConfiguration.fixtureWorld()
        if let out { loaded.configuration.out = out }
        if let unit { loaded.configuration.unit = unit }
        if let interval { loaded.configuration.interval = interval }
        if let memory { loaded.configuration.memory = memory }
        if let threads { loaded.configuration.threads = threads }
        if check {
            print("\(config ?? "the fixture world"): a valid configuration")
            return
        }
        let environment = ProcessInfo.processInfo.environment
        if stage != .product { try EngineCommandOptions.refuse(try Shard.fromSlurm(environment), command: "run") }
        let quiet = global.quiet
        var method = MethodRun(loaded, software: "regolith \(Regolith.version), GDAL \(GDAL.version)") { step in
            if !quiet { FileHandle.standardError.write(Data("regolith run: \(step)\n".utf8)) }
        }
        method.restart = restart
        method.tileDelay = environment[EngineCommandOptions.tileDelayVariable].flatMap(Double.init) ?? 0
        if slurm || slurmScriptOnly {
            try submit(method, loaded: loaded)
            return
        }
        if stage == .product {
            guard let task = task ?? environment["SLURM_ARRAY_TASK_ID"].flatMap(Int.init) else {
                throw ValidationError("--stage product needs --task K (or a Slurm array job's SLURM_ARRAY_TASK_ID)")
            }
            let (view, outcome) = try method.writeProductView(task: task)
            switch outcome {
            case .written(let summary): print("product \(task) (\(view.name)):\n\(summary)")
            case .unchanged: print("product \(task) (\(view.name)): \(view.path) made already from the same product and DEM; skipped")
            }
            return
        }
        if stage == .region {
            _ = try method.regionScenes()
            method.readsProductViews = true
        }
        let report = try method.run()
        print(report.consoleSummary(folder: loaded.configuration.out))
    }

    /// `--slurm` and `--slurm-script-only`: the region's products checked as a run checks them, then
    /// the job graph written (and submitted).
    private func submit(_ method: MethodRun, loaded: LoadedConfiguration) throws {
        let products = try method.writeRegionGraphPlan()
        guard let config else { throw ValidationError("--slurm needs a configuration file (the jobs read it)") }
        let absolute = { (path: String) in URL(fileURLWithPath: path).standardizedFileURL.path }
        var stageOptions: [String] = []
        if let unit { stageOptions += ["--unit", unit] }
        if let interval { stageOptions += ["--interval", "\(interval)"] }
        if let memory { stageOptions += ["--memory", memory] }
        if global.quiet { stageOptions.append("--quiet") }
        let jobs = RegionSlurmJobs(configuration: absolute(config), out: absolute(loaded.configuration.out),
                                   regolith: absolute(Bundle.main.executablePath ?? CommandLine.arguments[0]), products: products.count,
                                   stageOptions: stageOptions, cpus: cpus,
                                   memoryBudget: loaded.configuration.memory.flatMap(ByteSize.parse) ?? EngineOptions.defaultMemoryBudget,
                                   partition: partition, time: time, regionOptions: restart ? ["--restart"] : [])
        try jobs.write()
        if slurmScriptOnly {
            print("wrote \(jobs.productScript) (\(products.count) array tasks, one per product) and \(jobs.regionScript); submit them with:")
            jobs.commandLines.forEach { print("  " + $0) }
            return
        }
        let ids = try jobs.submit()
        print("array \(ids.array)")
        print("region \(ids.region)")
    }
}

/// A stage of a region run's job graph.
enum RunStage: String, ExpressibleByArgument, CaseIterable {
    case product, region
}
