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

            A region's products go in as `scenes` instead of `scene`: a list of products, or a folder of products, an @list.txt or a STAC ItemCollection (.json), with `dem` for the whole region. They are mosaicked first into mosaic.tif and mosaic.source.tif as `regolith mosaic-products` does (`priority`, `target_date`, `feather`, `t_srs`, `res`, `resampling`; `cloud_reflectance` screens clouds per pixel; `normalise: true` fits each product's radiometry to the better-ranked products' over their overlap, as --normalise does), and the method runs on the mosaic as on one reflectance scene; the report lists the products and each anomaly area's products.

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

            The geochemical map is nodata beyond the samples' support: where the nearest sample is farther than `support.distance` (default: the variogram's practical range) or the kriging variance exceeds `support.variance` (default 0.9) times the prior variance. Within the support the map is kriged from every sample (the global neighbourhood), so it has no seams where a nearest-N neighbour set switches; `kriging.map_nmax` trades that for speed with many samples. The comparisons and scores cover the supported pixels only, and the report says how many. Without `unit` the outputs are labelled by the column's name alone.

            Examples:
              regolith run
              regolith run survey.yml --out results/
              regolith run survey.yml --check
            """
    )

    @Argument(help: "YAML configuration (default: the fixture world).") var config: String?
    @Option(help: "Output folder (overrides the configuration's `out`).") var out: String?
    @Option(help: "Unit of the samples' value column, e.g. ppm (overrides the configuration's `unit`).") var unit: String?
    @Option(help: "Level of the content map's prediction interval, e.g. 0.9 (overrides the configuration's `interval`).") var interval: Double?
    @Flag(help: "Check the configuration and exit.") var check = false
    @Flag(help: "Discard the partial rasters an interrupted run left in the output folder instead of resuming them.") var restart = false

    func validate() throws {
        if let problem = interval.flatMap(SettingRules.openFraction) { throw ValidationError("--interval: \(problem)") }
    }
    @OptionGroup var global: GlobalOptions

    func run() throws {
        global.apply()
        var loaded = try config.map(RunConfiguration.load) ?? RunConfiguration.fixtureWorld()
        if let out { loaded.configuration.out = out }
        if let unit { loaded.configuration.unit = unit }
        if let interval { loaded.configuration.interval = interval }
        if check {
            print("\(config ?? "the fixture world"): a valid configuration")
            return
        }
        try EngineCommandOptions.refuse(try Shard.fromSlurm(ProcessInfo.processInfo.environment), command: "run")
        let quiet = global.quiet
        var method = MethodRun(loaded, software: "regolith \(Regolith.version), GDAL \(GDAL.version)") { step in
            if !quiet { FileHandle.standardError.write(Data("regolith run: \(step)\n".utf8)) }
        }
        method.restart = restart
        let report = try method.run()
        print(report.consoleSummary(folder: loaded.configuration.out))
    }
}
