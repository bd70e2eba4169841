import Foundation
import RasterIO
import SyntheticWorld
import Testing
import TestSupport

@Suite("Synthetic world: deterministic, seamless, streamed")
struct DeterminismTests {
    static func generate(width: Int, height: Int, seed: UInt64, into folder: String, tileSize: Int, threads: Int) throws {
        var parameters = WorldParameters()
        parameters.sampleCount = 60
        let scene = try SyntheticScene(width: width, height: height, seed: seed, parameters: parameters)
        var writer = WorldWriter()
        writer.tileSize = tileSize
        writer.threads = threads
        try writer.write(scene, to: folder, samples: try SampleSurvey.take(in: scene))
    }

    /// Two chunks across (2048 + 52 px) and two block rows (512 + 18): tiles of 100, 512 and 1000
    /// pixels, one or two threads, all give the same text files and the same pixels, georeferencing and
    /// band descriptions. (The file bytes are checked by the CLI test in its own process: in this one,
    /// tests running alongside share GDAL's block cache, whose evictions decide the order blocks land
    /// in the file.)
    @Test func tileSizeAndThreadsDoNotChangeTheWorld() throws {
        let dir = try TemporaryDirectory()
        let runs = [(512, 2), (100, 1), (1000, 2)]
        var folders: [String] = []
        for (index, run) in runs.enumerated() {
            let folder = dir.file("run\(index)")
            try Self.generate(width: 2100, height: 530, seed: 11, into: folder, tileSize: run.0, threads: run.1)
            folders.append(folder)
        }
        let first = try filesUnder(folders[0])
        #expect(first.keys.sorted() == ["GF2_PMS1_E107.2_N22.5_20201112_L1A0005218451-MSS1.tiff",
                                        "GF2_PMS1_E107.2_N22.5_20201112_L1A0005218451-MSS1.xml",
                                        "samples.csv", "truth/landcover.tif", "truth/re2o3.tif", "truth/zones.tif", "world.json"])
        for folder in folders.dropFirst() {
            try Self.expectSameWorld(folder, as: folders[0])
        }
    }

    /// Two world folders hold the same files with the same content: every raster's pixels (each band's
    /// values exactly), size, band types, nodata, descriptions and georeferencing, and every text file
    /// byte for byte. Raster bytes are not compared: block order and compressed bytes depend on GDAL,
    /// libtiff and zstd versions, not on the world.
    static func expectSameWorld(_ folder: String, as reference: String, hint: String = "") throws {
        let expected = try filesUnder(reference), actual = try filesUnder(folder)
        #expect(actual.keys.sorted() == expected.keys.sorted(), "\(hint)")
        for (name, data) in expected where actual[name] != nil {
            if name.hasSuffix(".tif") || name.hasSuffix(".tiff") {
                let a = try Raster.open((reference as NSString).appendingPathComponent(name))
                let b = try Raster.open((folder as NSString).appendingPathComponent(name))
                #expect(a.width == b.width && a.height == b.height && a.bands == b.bands, "\(name): size or bands differ. \(hint)")
                #expect(a.geoTransform == b.geoTransform && a.spatialReference?.epsg == b.spatialReference?.epsg,
                        "\(name): georeferencing differs. \(hint)")
                #expect(try a.read(a.fullWindow, as: Double.self) == b.read(b.fullWindow, as: Double.self), "\(name): pixels differ. \(hint)")
            } else {
                #expect(actual[name] == data, "\(name) differs. \(hint)")
            }
        }
    }

    @Test func differentSeedsGiveDifferentWorlds() throws {
        let a = try SyntheticScene(width: 200, height: 200, seed: 1), b = try SyntheticScene(width: 200, height: 200, seed: 2)
        let window = Window(width: 200, height: 200)
        #expect(a.model.render(window).dn != b.model.render(window).dn)
        #expect(a.model.layout.zones[0].center != b.model.layout.zones[0].center)
    }

    /// A window rendered whole equals the same window rendered in pieces: no tile seams.
    @Test func renderingIsSeamless() throws {
        let scene = try SyntheticScene(width: 700, height: 500, seed: 3)
        let whole = scene.model.render(Window(x: 100, y: 120, width: 300, height: 170))
        for piece in Window(x: 100, y: 120, width: 300, height: 170).tiles(width: 77, height: 61) {
            let part = scene.model.render(piece)
            for row in 0..<piece.height {
                for column in 0..<piece.width {
                    let i = (piece.y - 120 + row) * 300 + (piece.x - 100 + column), j = row * piece.width + column
                    guard whole.content[i] == part.content[j], whole.landCover[i] == part.landCover[j],
                          (0..<4).allSatisfy({ whole.dn[$0 * 300 * 170 + i] == part.dn[$0 * piece.pixelCount + j] }) else {
                        Issue.record("pixel \(piece.x + column), \(piece.y + row) differs between tilings")
                        return
                    }
                }
            }
        }
    }

    /// `fixtures/world` is what `regolith synth` makes today (run as a user would), by content: the
    /// same pixels, georeferencing and text. Byte identity is checked between two runs of one build
    /// (SynthCommandTests), where the GDAL, libtiff and zstd versions cannot differ.
    @Test func committedFixtureWorldIsRegenerated() throws {
        let dir = try TemporaryDirectory()
        let result = try ChildProcess.regolith(["synth", "--width", "600", "--height", "600", "--seed", "1",
                                                "--out", dir.file("world"), "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        try Self.expectSameWorld(dir.file("world"), as: Fixtures.path("world"),
                                 hint: "fixtures/world is not what synth writes now; regenerate it (README, \"The synthetic world\")")
    }
}
