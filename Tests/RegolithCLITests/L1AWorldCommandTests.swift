import Foundation
import Inversion
import RasterIO
import Testing
import TestSupport

/// Regolith's own orthorectification of a synthetic L1A product (`synth --level L1A`, a camera with
/// rotation, skew, along-track scale and terrain parallax; RPCs fitted to it) puts the pixels back
/// where the world's ortho reference has them — with the DEM; without it, terrain displaces them.
@Suite("regolith ortho on a synthetic L1A product: geolocation against the known grid")
struct L1AWorldCommandTests {
    static var gdalInstalled: Bool { ["gdal_translate"].allSatisfy { ChildProcess.which($0) != nil } }

    /// 300 × 300 px, seed 23 (satellite zenith 7.19°, azimuth 234°), relief 300 m.
    static let world = Result { () throws -> TemporaryDirectory in
        let dir = try TemporaryDirectory("regolith-l1a-world")
        let result = try ChildProcess.regolith(["synth", "--width", "300", "--height", "300", "--seed", "23", "--samples", "40",
                                                "--level", "L1A", "--dem-relief", "300", "--out", dir.file("world"), "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        return dir
    }

    static func product(_ dir: TemporaryDirectory) throws -> String {
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: dir.file("world")).first { $0.hasSuffix(".tar.gz") })
        return dir.file("world/\(name)")
    }

    /// `regolith ortho` of the product (tarball, read in place), then the window of the reference's
    /// grid cut out of it: the ortho grid is -tap aligned at 4 m, as the world's is, and larger (the
    /// L1A image sees more ground), so the window is whole pixels.
    static func orthorectify(_ dir: TemporaryDirectory, _ options: [String], name: String) throws -> String {
        let ortho = dir.file("\(name).tif"), cut = dir.file("\(name)-on-reference.tif")
        let result = try ChildProcess.regolith(["ortho", try product(dir), "--out", ortho, "--quiet"] + options)
        #expect(result.status == 0, "\(result.stderr)")
        let reference = try Raster.open(dir.file("world/truth/ortho-dn.tif")), map = try Raster.open(ortho)
        let (r, m) = (try #require(reference.geoTransform), try #require(map.geoTransform))
        let column = (r.originX - m.originX) / m.pixelWidth, row = (r.originY - m.originY) / m.pixelHeight
        #expect(abs(column - column.rounded()) < 1e-6 && abs(row - row.rounded()) < 1e-6, "not one lattice: offset \(column), \(row) px")
        let translate = try #require(ChildProcess.which("gdal_translate"))
        let window = try ChildProcess.run(translate, ["-q", "-srcwin", "\(Int(column.rounded()))", "\(Int(row.rounded()))", "\(reference.width)",
                                                      "\(reference.height)", ortho, cut])
        #expect(window.status == 0, "\(window.stderr)")
        return cut
    }

    /// With the DEM: 16 × 16 check points, 17 × 17 px patches, green band. Measured: 0.060 px RMSE
    /// on 256 points (gdalwarp's, which Regolith's equals pixel for pixel, 0.054 px on the world of
    /// `L1AProductTests`); bound 0.3 px.
    @Test(.enabled(if: gdalInstalled, "gdal-bin is installed by tools/install-deps.sh"))
    func withTheDEMTheGeometryIsTheReferences() throws {
        let dir = try Self.world.get()
        let cut = try Self.orthorectify(dir, ["--dem", dir.file("world/dem.tif")], name: "with-dem")
        let matches = try GeolocationCheck(searchRadius: 7).matches(referencePath: dir.file("world/truth/ortho-dn.tif"), candidatePath: cut,
                                                                    band: 2, grid: 16)
        #expect(matches.count >= 200)
        let rmse = GeolocationCheck.rmse(matches)
        #expect(rmse <= 0.3, "geolocation RMSE \(rmse) px on \(matches.count) points")
        print("regolith ortho, L1A + DEM: geolocation RMSE \(rmse) px on \(matches.count) check points")
    }

    /// Without the DEM (the RPC's height offset, 300 m, for every pixel) the terrain's 150–450 m
    /// displaces pixels by up to 150 m × tan 7.19° ≈ 4.7 px. Measured: 1.88 px RMS; bound ≥ 1 px.
    @Test(.enabled(if: gdalInstalled, "gdal-bin is installed by tools/install-deps.sh"))
    func withoutTheDEMTheTerrainDisplacesThePixels() throws {
        let dir = try Self.world.get()
        let cut = try Self.orthorectify(dir, [], name: "without-dem")
        let matches = try GeolocationCheck(searchRadius: 7).matches(referencePath: dir.file("world/truth/ortho-dn.tif"), candidatePath: cut,
                                                                    band: 2, grid: 16)
        #expect(matches.count >= 200)
        let displaced = GeolocationCheck.rmse(matches)
        #expect(displaced >= 1, "without the DEM the pixels should be displaced, RMS \(displaced) px")
        print("regolith ortho, L1A without DEM: \(displaced) px RMS displacement on \(matches.count) check points")
    }

    /// The fused pass through the warper: `invert --dem` on the product (DNs read through the
    /// orthorectifying view, calibrated as they are read) gives the same map as `invert` of the
    /// orthorectified DN scene `ortho` wrote, calibrated by the product's XML. Measured: identical.
    @Test(.enabled(if: gdalInstalled, "gdal-bin is installed by tools/install-deps.sh"))
    func invertThroughTheWarperEqualsInvertOfTheOrthoScene() throws {
        let dir = try Self.world.get()
        let model = try ModelCommandTests.fixtureRun.get().file("out/model")
        let product = try Self.product(dir), dem = dir.file("world/dem.tif")
        let ortho = dir.file("for-invert.tif"), streamed = dir.file("map-streamed.tif"), written = dir.file("map-written.tif")
        let member = try #require(try GF2Product.locate(product).mss.metadata)
        for arguments in [["ortho", product, "--dem", dem, "--out", ortho],
                          ["invert", model, product, "--dem", dem, "--out", streamed, "--everywhere"],
                          ["invert", model, ortho, "--xml", member, "--out", written, "--everywhere"]] {
            let result = try ChildProcess.regolith(arguments + ["--quiet"])
            #expect(result.status == 0, "\(arguments[0]): \(result.stderr)")
        }
        let (a, b) = (try Raster.open(streamed), try Raster.open(written))
        #expect(a.width == b.width && a.height == b.height && a.geoTransform == b.geoTransform)
        let (x, y) = (try a.read(a.fullWindow, as: Float.self), try b.read(b.fullWindow, as: Float.self))
        #expect(x == y, "\(zip(x, y).filter { $0 != $1 }.count) pixels differ")
        #expect(x.filter { $0 != -9999 }.count > 50_000)
    }
}
