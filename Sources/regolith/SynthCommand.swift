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
            """
    )

    @Option(help: "Scene width in pixels (4 m each).")
    var width: Int = 600

    @Option(help: "Scene height in pixels.")
    var height: Int = 600

    @Option(help: "Seed: the same seed and size give the same files.")
    var seed: UInt64 = 1

    @Option(help: "Number of drill samples.")
    var samples: Int = 374

    @Option(help: "Output folder (created if missing).")
    var out: String

    @Option(help: "Processing level: ortho (a map-projected scene) or L1A (a product in sensor geometry with RPCs and a DEM).")
    var level: WorldLevel = .ortho

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
                                                     backscatter: sar ? BackscatterParameters() : nil, progress: progress)
        if let product = files.product, let summary = files.productSummary {
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
                         backscatter: BackscatterParameters? = nil,
                         progress: ProgressReporter) throws -> (WorldWriter.Files, Int) {
        GDAL.setCacheSize(bytes: 64 << 20)
        var parameters = WorldParameters()
        parameters.sampleCount = samples
        parameters.backscatter = backscatter
        var scene: SyntheticScene
        let survey: [Sample]
        do {
            scene = try SyntheticScene(width: width, height: height, seed: seed, parameters: parameters)
            if let terrain { scene = scene.withTerrain(terrain, l1a: l1a) }
            survey = try SampleSurvey.take(in: scene)
        } catch let error as SynthError {
            throw CommandFailure(message: "\(out): \(error.description)")
        }
        var writer = WorldWriter()
        writer.tileSize = tileSize
        writer.threads = threads
        writer.l1a = l1a
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
