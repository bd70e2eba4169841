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
            let other = try filesUnder(folder)
            #expect(other.keys.sorted() == first.keys.sorted())
            for (name, data) in first {
                if name.hasSuffix(".tif") || name.hasSuffix(".tiff") {
                    let a = try Raster.open((folders[0] as NSString).appendingPathComponent(name))
                    let b = try Raster.open((folder as NSString).appendingPathComponent(name))
                    #expect(a.geoTransform == b.geoTransform && a.spatialReference?.epsg == b.spatialReference?.epsg, "\(name) georeferencing")
                    #expect(a.bands.map(\.description) == b.bands.map(\.description), "\(name) band descriptions")
                    #expect(try a.read(a.fullWindow, as: Double.self) == b.read(b.fullWindow, as: Double.self), "\(name) pixels differ")
                } else {
                    #expect(other[name] == data, "\(name) differs")
                }
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

    /// `fixtures/world` is exactly what `regolith synth` makes today (run as a user would).
    @Test func committedFixtureWorldIsRegeneratedByteForByte() throws {
        let dir = try TemporaryDirectory()
        let result = try ChildProcess.regolith(["synth", "--width", "600", "--height", "600", "--seed", "1",
                                                "--out", dir.file("world"), "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let fresh = try filesUnder(dir.file("world"))
        let committed = try filesUnder(Fixtures.path("world"))
        #expect(fresh.keys.sorted() == committed.keys.sorted())
        for (name, data) in committed {
            #expect(fresh[name] == data, "fixtures/world/\(name) is not what synth writes now; regenerate it (README, Fixtures)")
        }
    }
}
