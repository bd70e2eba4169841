import ArgumentParser
import Foundation
import Pipeline
import RasterIO
import SyntheticWorld
import TileEngine

struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Generate a synthetic GF-2 world: scene, metadata XML, drill samples and the true content map.",
        discussion: """
            Writes into DIR, deterministically from the seed:
              GF2_PMS1_E…_N…_<date>_L1A…-MSS1.tiff   4-band UInt16 DN scene (10-bit, tiled, ZSTD), UTM, 4 m
              GF2_PMS1_E…_N…_<date>_L1A…-MSS1.xml    product metadata (sun and satellite angles, corners)
              samples.csv                            drill samples: id,lon,lat,re2o3 (WGS 84)
              truth/re2o3.tif                        true RE2O3 content (Float32)
              truth/landcover.tif                    1 bare crust, 2 vegetation, 3 water, 4 buildings
              truth/zones.tif                        true anomaly zones: 1 = I (known mine), 2 = II
              world.json                             parameters and feature positions
            With --level L1A the world is also delivered as CRESDA ships a GF-2 L1A product, in sensor geometry, and the ortho scene becomes the reference it is made from:
              GF2_PMS1_E…_N…_<date>_L1A….tar.gz       -MSS1.tiff/.rpb/.xml (4 m) and -PAN1.tiff/.rpb/.xml (1 m), no geotransform
              dem.tif                                terrain heights (Float32, UTM, the ortho grid and beyond the image's footprint)
              truth/ortho-dn.tif, truth/ortho-dn.xml  the ortho DN scene and its XML (in place of the top-level scene)
            With --terrain the world stands on hills whose terrain shapes the weathering crust (thick on gentle slopes, ridge tops and convex upper slopes, thin on steep slopes and in incised valleys, best on the mid-to-upper hills; valley floors greener), so terrain covariates carry real signal; an L1A world's DEM is then this one:
              dem.tif                                terrain heights (Float32, UTM, the scene's 4 m grid and 16 cells beyond)
              truth/terrain-factor.tif               the crust's factor T (content = T × (background + zones) + river)
            With --province R×C the world is a region imaged by R × C overlapping L1A products (rows × columns, each --width × --height pixels of the region's 4 m grid, neighbours sharing --overlap of that), each taken on its own date (so its own sun), from its own view angles, with the calibration of its year (2015–2018, each product's XML date selects it), with its own sensor noise; one product is cloudy (clouds in its pixels, CloudPercent in its XML). The two anomaly zones are centred on product borders, so that no single product holds a whole zone (with --terrain the crust's terrain factor may shrink a zone off its border); the samples cover 90 % of the region. Written:
              GF2_PMS1_E…_N…_<date>_L1A….tar.gz       one product per R × C cell, as --level L1A writes it
              dem.tif                                one DEM covering every product's footprint
              catalogue.json                         the products as a STAC ItemCollection (datetime, eo:cloud_cover, view angles, footprint, the tarball as asset "product")
              province.json                          each product's window on the truth grid, date, calibration, clouds, camera and RPC fit
              truth/…, samples.csv, world.json        one truth, samples and description for the whole region (truth/ortho-dn.tif: the region as one ortho scene)
            With --sar (needs --terrain) the world also has Sentinel-1-like backscatter:
              s1.tif                                 σ⁰ VV, VH in dB (Float32, 10 m grid)
            The relations and their coefficients are in the README ("The synthetic world") and in world.json.
            The L1A pixels are the ortho scene seen through a known camera (image axes rotated and skewed against north, lines longer than samples, terrain displaced by height × tan(satellite zenith) away from the satellite); the RPCs are fitted to it and their fit error is printed and recorded in world.json.
            Generation streams tile by tile in bounded memory (an L1A world also holds its DEM, 4 bytes per cell); files are byte-identical for the same seed and size whatever --threads and --tile-size.

            Examples:
              regolith synth --width 600 --height 600 --seed 1 --out fixtures/world
              regolith synth --width 7300 --height 6900 --seed 7 --out /scratch/scene7
              regolith synth --width 1500 --height 1500 --level L1A --out /scratch/l1a
              regolith synth --width 1500 --height 1500 --terrain --sar --out /scratch/t
              regolith synth --province 3x3 --width 256 --height 256 --out /scratch/p
              regolith synth --province 3x3 --width 7300 --height 6900 --out /scratch/gx
            """
    )

    // Optional, so that the default can depend on --province.
    @Option(name: .customLong("width"), help: "Scene width in pixels (4 m each); with --province, each product's (default: 600, with --province 256).")
    var widthOption: Int?
    var width: Int { widthOption ?? (province == nil ? 600 : 256) }

    @Option(name: .customLong("height"), help: "Scene height in pixels; with --province, each product's (default: 600, with --province 256).")
    var heightOption: Int?
    var height: Int { heightOption ?? (province == nil ? 600 : 256) }

    @Option(help: "Seed: the same seed and size give the same files.")
    var seed: UInt64 = 1

    @Option(help: "Number of drill samples.")
    var samples: Int = 374

    @Option(help: "Output folder (created if missing).")
    var out: String

    // Optional, so that --level ortho can be refused with --province.
    @Option(name: .customLong("level"), help: "Processing level: ortho (a map-projected scene) or L1A (a product in sensor geometry with RPCs and a DEM) (default: ortho; with --province L1A).")
    var levelOption: WorldLevel?
    var level: WorldLevel { levelOption ?? (province == nil ? .ortho : .l1a) }

    @Option(help: "Write a province of ROWS×COLUMNS overlapping L1A products over one world, e.g. 3x3.")
    var province: ProvinceGrid?

    // Optional, so that giving it without --province can be refused.
    @Option(help: "With --province: the share of a product's width (and height) that it shares with its neighbour, at least 8 pixels (default: \(SyntheticProvince.defaultOverlap)).")
    var overlap: Double?

    @Flag(help: "Give the world a DEM (dem.tif) whose terrain shapes the weathering crust and so the content.")
    var terrain = false

    @Flag(help: "Also write a Sentinel-1-like backscatter raster (s1.tif, VV and VH); needs --terrain.")
    var sar = false

    // Optional, so that giving it without a DEM can be refused.
    @Option(help: "With --level L1A or --terrain: relief of the synthetic DEM (highest minus lowest cell), metres (default: \(Int(L1AParameters().demRelief))).")
    var demRelief: Double?

    @Option(help: "Rendering tile size in pixels (work unit per thread).")
    var tileSize: Int = 512

    // Optional, so the help shows the hand-written default rather than this machine's core count.
    @Option(name: .customLong("threads"), help: "Threads (default: all cores).")
    var threadCount: Int?
    var threads: Int { threadCount ?? ProcessInfo.processInfo.activeProcessorCount }

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        // Upper bounds keep sizes far from overflowing and the sample survey's grid search short.
        let problems: [(String, String?)] = [
            ("--width", SettingRules.count(width, in: 64...100_000)),
            ("--height", SettingRules.count(height, in: 64...100_000)),
            ("--threads", SettingRules.threads(threads)),
            ("--tile-size", SettingRules.count(tileSize, in: 16...TilePlanner.largestRequestedTile)),
            ("--samples", SettingRules.count(samples, in: 3...100_000)),
        ]
        if let (option, problem) = problems.first(where: { $0.1 != nil }) { throw ValidationError("\(option): \(problem!)") }
        if sar && !terrain { throw ValidationError("--sar: needs --terrain (the backscatter depends on the terrain)") }
        if let province {
            guard levelOption != .ortho else { throw ValidationError("--level ortho: a province's products are L1A products (leave --level out)") }
            // The product windows must leave each product a part of its own.
            if let overlap, !(overlap.isFinite && overlap >= 0.02 && overlap <= 0.45) {
                throw ValidationError("--overlap: must be between 0.02 and 0.45, got \(overlap)")
            }
            if province.rows * province.columns > 400 { throw ValidationError("--province: at most 400 products, got \(province)") }
        } else if overlap != nil {
            throw ValidationError("--overlap: applies to --province only")
        }
        // Steeper terrain than this would break the camera's inversion at the largest view zenith.
        if let demRelief {
            guard level == .l1a || terrain else { throw ValidationError("--dem-relief: applies to --level L1A or --terrain only") }
            guard demRelief.isFinite, (0...2000).contains(demRelief) else {
                throw ValidationError("--dem-relief: must be between 0 and 2000 m, got \(demRelief)")
            }
        }
    }

    func run() throws {
        global.apply()
        let progress = ProgressReporter(task: "synth", quiet: global.quiet)
        var l1a: L1AParameters? = nil
        if level == .l1a {
            l1a = L1AParameters()
            l1a!.demRelief = demRelief ?? l1a!.demRelief
        }
        var terrainParameters: TerrainParameters? = nil
        if terrain {
            terrainParameters = l1a.map(TerrainParameters.init(l1a:)) ?? TerrainParameters()
            terrainParameters!.relief = demRelief ?? terrainParameters!.relief
        }
        let (files, sampleCount) = try Self.generate(width: width, height: height, seed: seed, samples: samples, out: out,
                                                     tileSize: tileSize, threads: threads, l1a: l1a, terrain: terrainParameters,
                                                     backscatter: sar ? BackscatterParameters() : nil,
                                                     province: province, overlap: overlap ?? SyntheticProvince.defaultOverlap, progress: progress)
        if let catalogue = files.catalogue, let description = files.province {
            print("wrote \(files.products.count) products over one world, \(catalogue) and \(description)")
            for (product, summary) in zip(files.products, files.productSummaries) {
                print(String(format: "      %@ (MSS %d × %d, RPC fit error %.2g px max)", product, summary.mss.geometry.width,
                             summary.mss.geometry.height, summary.mss.rpcFitError.maximum))
            }
            print("      \(files.dem!)")
            print("      \(files.scene)")
        } else if let product = files.product, let summary = files.productSummary {
            print("wrote \(product)")
            for image in [summary.mss, summary.pan] {
                print(String(format: "      %@ %d × %d, RPC fit error %.2g px max, %.2g px RMS (%d check points)", image.member,
                             image.geometry.width, image.geometry.height, image.rpcFitError.maximum, image.rpcFitError.rms,
                             image.rpcFitError.checkPoints))
            }
            print(String(format: "      %@ (%.1f–%.1f m)", files.dem!, summary.demHeightRange[0], summary.demHeightRange[1]))
            print("      \(files.scene)")
        } else {
            print("wrote \(files.scene)")
            if let dem = files.dem { print("      \(dem)") }
        }
        if let backscatter = files.backscatter { print("      \(backscatter)") }
        if let factor = files.terrainFactor { print("      \(factor)") }
        print("      \(files.metadata)")
        print("      \(files.samples) (\(sampleCount) samples)")
        print("      \(files.content), \(files.landCover), \(files.zones)")
        print("      \(files.description)")
    }

    /// Writes a synthetic world into `out` (shared by `synth` and `bench`).
    static func generate(width: Int, height: Int, seed: UInt64, samples: Int, out: String, tileSize: Int = 512,
                         threads: Int, l1a: L1AParameters? = nil, terrain: TerrainParameters? = nil,
                         backscatter: BackscatterParameters? = nil, province grid: ProvinceGrid? = nil,
                         overlap: Double = SyntheticProvince.defaultOverlap,
                         progress: ProgressReporter) throws -> (WorldWriter.Files, Int) {
        GDAL.setCacheSize(bytes: 64 << 20)
        var parameters = WorldParameters()
        parameters.sampleCount = samples
        parameters.backscatter = backscatter
        var scene: SyntheticScene
        var province: SyntheticProvince? = nil
        let survey: [Sample]
        do {
            if let grid {
                province = try SyntheticProvince(rows: grid.rows, columns: grid.columns, productWidth: width, productHeight: height,
                                                 overlap: overlap, seed: seed, parameters: parameters, l1a: l1a ?? L1AParameters(),
                                                 terrain: terrain)
                scene = province!.scene
            } else {
                scene = try SyntheticScene(width: width, height: height, seed: seed, parameters: parameters)
                if let terrain { scene = scene.withTerrain(terrain, l1a: l1a) }
            }
            survey = try SampleSurvey.take(in: scene)
        } catch let error as SynthError {
            throw CommandFailure(message: "\(out): \(error.description)")
        }
        var writer = WorldWriter()
        writer.tileSize = tileSize
        writer.threads = threads
        writer.l1a = l1a
        writer.province = province
        let work = writer.work(for: scene)
        progress.start(units: work.chunks, pixels: work.pixels)
        writer.progress = { pixels in progress.advance(pixels: pixels) }
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        } catch {
            throw CommandFailure(message: "\(out): cannot create the output folder (\(error.localizedDescription))")
        }
        let files = try writer.write(scene, to: out, samples: survey)
        progress.finish()
        return (files, survey.count)
    }
}

/// `synth --level`: which product the world is delivered as.
enum WorldLevel: String, ExpressibleByArgument, CaseIterable {
    case ortho
    case l1a = "L1A"
}

/// `synth --province ROWS×COLUMNS`: the grid of products, e.g. `3x3` (also `3×3`).
struct ProvinceGrid: ExpressibleByArgument, CustomStringConvertible {
    let rows: Int
    let columns: Int

    init?(argument: String) {
        let parts = argument.lowercased().replacingOccurrences(of: "×", with: "x").split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let rows = Int(parts[0]), let columns = Int(parts[1]), rows >= 1, columns >= 1, rows * columns >= 2 else {
            return nil
        }
        self.rows = rows
        self.columns = columns
    }

    var description: String { "\(rows)x\(columns)" }
    static var defaultCompletionKind: CompletionKind { .default }
}
