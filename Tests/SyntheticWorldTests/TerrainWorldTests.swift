import Foundation
import Geostatistics
import RasterIO
import SyntheticWorld
import Testing
import TestSupport

/// `regolith synth --terrain --sar`, run as a user would, checked against GDAL's own terrain tools.
@Suite("Synthetic world with terrain and backscatter")
struct TerrainWorldTests {
    static let gdaldem = ChildProcess.which("gdaldem")

    static func synth(_ folder: String, seed: Int, threads: Int = 2, extra: [String] = ["--sar"]) throws {
        let result = try ChildProcess.regolith(["synth", "--width", "400", "--height", "400", "--seed", "\(seed)", "--samples", "40",
                                                "--terrain", "--threads", "\(threads)", "--quiet", "--out", folder] + extra)
        #expect(result.status == 0, "\(result.stderr)")
    }

    static func read(_ path: String, band: Int = 1) throws -> (values: [Double], raster: Raster) {
        let raster = try Raster.open(path)
        return (try raster.read(raster.fullWindow, bands: [band], as: Double.self), raster)
    }

    /// The new files exist, are byte-identical whatever --threads, change with the seed, and GDAL
    /// reads dem.tif and s1.tif in the scene's CRS, covering the scene.
    @Test(.enabled(if: ChildProcess.which("gdalinfo") != nil, "gdalinfo (gdal-bin) is installed by tools/install-deps.sh"))
    func filesAreValidDeterministicAndSeeded() throws {
        let dir = try TemporaryDirectory()
        try Self.synth(dir.file("a"), seed: 5, threads: 1)
        try Self.synth(dir.file("b"), seed: 5, threads: 2)
        try Self.synth(dir.file("c"), seed: 6)
        let a = try filesUnder(dir.file("a")), b = try filesUnder(dir.file("b")), c = try filesUnder(dir.file("c"))
        for name in ["dem.tif", "s1.tif", "truth/terrain-factor.tif", "truth/re2o3.tif", "world.json"] {
            #expect(a[name] != nil, "\(name) missing")
        }
        #expect(a == b, "files differ between --threads 1 and 2")
        for name in ["dem.tif", "s1.tif", "truth/terrain-factor.tif", "truth/re2o3.tif"] {
            #expect(a[name] != c[name], "\(name) is the same for seeds 5 and 6")
        }
        func info(_ path: String) throws -> [String: Any] {
            let result = try ChildProcess.run(ChildProcess.which("gdalinfo")!, ["-json", path])
            #expect(result.status == 0, "\(result.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        }
        func extent(_ json: [String: Any]) throws -> (minX: Double, maxX: Double, minY: Double, maxY: Double) {
            let corners = try #require(json["cornerCoordinates"] as? [String: [Double]])
            let ul = try #require(corners["upperLeft"]), lr = try #require(corners["lowerRight"])
            return (ul[0], lr[0], lr[1], ul[1])
        }
        let sceneName = try #require(a.keys.first { $0.hasSuffix("-MSS1.tiff") })
        let scene = try extent(try info(dir.file("a/\(sceneName)")))
        for (name, bands, cell) in [("dem.tif", 1, 4.0), ("s1.tif", 2, 10.0)] {
            let json = try info(dir.file("a/\(name)"))
            let wkt = try #require((json["coordinateSystem"] as? [String: Any])?["wkt"] as? String)
            #expect(wkt.contains("ID[\"EPSG\",32648]"), "\(name) is not in the scene's UTM zone")
            #expect((json["geoTransform"] as? [Double]).map { $0[1] == cell && $0[5] == -cell } == true, "\(name): cell size")
            #expect((json["bands"] as? [[String: Any]])?.count == bands)
            let e = try extent(json)
            #expect(e.minX <= scene.minX && e.maxX >= scene.maxX && e.minY <= scene.minY && e.maxY >= scene.maxY,
                    "\(name) does not cover the scene")
        }
        let world = try #require(try JSONSerialization.jsonObject(with: a["world.json"]!) as? [String: Any])
        let files = try #require(world["files"] as? [String: String])
        #expect(files["dem"] == "dem.tif" && files["backscatter"] == "s1.tif" && files["terrainFactor"] == "truth/terrain-factor.tif")
        let parameters = try #require(world["parameters"] as? [String: Any])
        #expect(parameters["terrain"] != nil && parameters["backscatter"] != nil)
    }

    /// The crust's factor is the README's relation of slope, topographic position and height, with
    /// slope from `gdaldem slope` (Horn) on dem.tif and TPI as dem.tif minus its Gaussian blur
    /// (σ 120 m, computed here in the spatial domain; the world smooths in the spectral one); and the
    /// content falls with slope as the factor says.
    @Test(.enabled(if: gdaldem != nil, "gdaldem (gdal-bin) is installed by tools/install-deps.sh"))
    func contentFollowsTheDocumentedTerrainRelation() throws {
        let dir = try TemporaryDirectory()
        try Self.synth(dir.file("w"), seed: 1, extra: [])
        let slopeResult = try ChildProcess.run(Self.gdaldem!, ["slope", dir.file("w/dem.tif"), dir.file("slope.tif"), "-q"])
        #expect(slopeResult.status == 0, "\(slopeResult.stderr)")
        let (dem, demRaster) = try Self.read(dir.file("w/dem.tif"))
        let slope = try Self.read(dir.file("slope.tif")).values
        let factor = try Self.read(dir.file("w/truth/terrain-factor.tif")).values
        let content = try Self.read(dir.file("w/truth/re2o3.tif")).values
        let cover = try Self.read(dir.file("w/truth/landcover.tif")).values
        let dw = demRaster.width, margin = 16, side = 400

        // Gaussian blur of the DEM (σ = 30 cells, cut at 3σ), at every 4th pixel of the part of the
        // scene the whole kernel covers.
        let sigma = 30.0, reach = 90
        let kernel = (-reach...reach).map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
        let kernelSum = kernel.reduce(0, +)
        let points = stride(from: reach - margin, to: side + 2 * margin - reach - margin, by: 4).map { $0 }
        var rowBlurred = [Double](repeating: 0, count: demRaster.height * points.count)
        for row in 0..<demRaster.height {
            for (k, column) in points.enumerated() {
                var sum = 0.0
                for d in -reach...reach { sum += kernel[d + reach] * dem[row * dw + column + margin + d] }
                rowBlurred[row * points.count + k] = sum / kernelSum
            }
        }
        var squaredError = 0.0, count = 0
        for row in points {
            for (k, column) in points.enumerated() {
                var blurred = 0.0
                for d in -reach...reach { blurred += kernel[d + reach] * rowBlurred[(row + margin + d) * points.count + k] }
                blurred /= kernelSum
                let cell = (row + margin) * dw + column + margin
                let z = dem[cell], tpi = z - blurred, s = slope[cell]
                // README: ln T = −0.035 (slope° − 12) + 0.015 clamp(TPI, ±30 m) − 0.06 ((z − 150)/300 − 0.6)² / 0.35².
                let band = ((z - 150) / 300 - 0.6) / 0.35
                let expected = -0.035 * (s - 12) + 0.015 * min(30, max(-30, tpi)) - 0.06 * band * band
                let error = log(factor[row * side + column]) - expected
                squaredError += error * error
                count += 1
            }
        }
        // Measured: 0.0022 RMS in ln T over 3969 points (ln T itself has sd ≈ 0.3; a slope
        // coefficient off by 0.005 alone would add about 0.04).
        let rms = (squaredError / Double(count)).squareRoot()
        #expect(rms < 0.025, "ln T differs from the documented relation by \(rms) RMS")

        // Measured on bare crust: Spearman(content, slope) −0.47, (factor, slope) −0.81.
        let bare = (0..<side * side).filter { cover[$0] == 1 }
        let slopeAt = bare.map { slope[($0 / side + margin) * dw + $0 % side + margin] }
        let contentSlope = try Correlation.spearman(bare.map { content[$0] }, slopeAt).coefficient
        let factorSlope = try Correlation.spearman(bare.map { factor[$0] }, slopeAt).coefficient
        #expect(contentSlope < -0.25, "content against slope: Spearman \(contentSlope)")
        #expect(factorSlope < -0.5, "terrain factor against slope: Spearman \(factorSlope)")
    }

    /// s1.tif: vegetation raises VH (volume scattering), and VV on bare crust follows the local
    /// incidence angle computed from `gdaldem slope` and `gdaldem aspect` and the documented look.
    @Test(.enabled(if: gdaldem != nil, "gdaldem (gdal-bin) is installed by tools/install-deps.sh"))
    func backscatterFollowsVegetationAndLocalIncidence() throws {
        let dir = try TemporaryDirectory()
        try Self.synth(dir.file("w"), seed: 3)
        for tool in ["slope", "aspect"] {
            let result = try ChildProcess.run(Self.gdaldem!, [tool, dir.file("w/dem.tif"), dir.file("\(tool).tif"), "-q"])
            #expect(result.status == 0, "\(result.stderr)")
        }
        let (vv, s1) = try Self.read(dir.file("w/s1.tif"), band: 1)
        let vh = try Self.read(dir.file("w/s1.tif"), band: 2).values
        let (slope, demRaster) = try Self.read(dir.file("slope.tif"))
        let aspect = try Self.read(dir.file("aspect.tif")).values
        let (cover, coverRaster) = try Self.read(dir.file("w/truth/landcover.tif"))
        let s1t = try #require(s1.geoTransform), dt = try #require(demRaster.geoTransform), ct = try #require(coverRaster.geoTransform)
        let theta = 39.0 * .pi / 180, look = 78.0 * .pi / 180
        var bareVV: [Double] = [], bareCosine: [Double] = [], vegetationVH: [Double] = [], bareVH: [Double] = []
        for j in 0..<s1.height {
            for i in 0..<s1.width {
                let x = s1t.originX + (Double(i) + 0.5) * 10, y = s1t.originY - (Double(j) + 0.5) * 10
                let cx = Int((x - ct.originX) / 4), cy = Int((ct.originY - y) / 4)
                let dx = Int((x - dt.originX) / 4), dy = Int((dt.originY - y) / 4)
                guard cx >= 0, cy >= 0, cx < coverRaster.width, cy < coverRaster.height else { continue }
                let k = j * s1.width + i, d = dy * demRaster.width + dx
                if cover[cy * coverRaster.width + cx] == 2 { vegetationVH.append(vh[k]) }
                guard cover[cy * coverRaster.width + cx] == 1, aspect[d] >= 0, slope[d] >= 0 else { continue }
                let s = slope[d] * .pi / 180, a = aspect[d] * .pi / 180
                let cosine = sin(s) * sin(a) * -sin(theta) * sin(look) + sin(s) * cos(a) * -sin(theta) * cos(look) + cos(s) * cos(theta)
                bareVV.append(vv[k])
                bareVH.append(vh[k])
                bareCosine.append(cosine)
            }
        }
        // Measured (seed 3): VH over vegetation −15.0 dB against −20.9 over bare crust; Spearman(VV,
        // cos local incidence) on bare crust 0.58 (speckle, moisture and content spread it).
        let mean: ([Double]) -> Double = { $0.reduce(0, +) / Double($0.count) }
        #expect(mean(vegetationVH) - mean(bareVH) > 2.5, "VH: vegetation \(mean(vegetationVH)) dB, bare \(mean(bareVH)) dB")
        let incidence = try Correlation.spearman(bareVV, bareCosine).coefficient
        #expect(incidence > 0.3, "VV against cos(local incidence): Spearman \(incidence)")
    }

    /// A world with terrain renders the same in pieces as whole: content, factor and land cover.
    @Test func terrainWorldIsSeamless() throws {
        let scene = try SyntheticScene(width: 300, height: 240, seed: 4).withTerrain(TerrainParameters())
        let window = Window(x: 20, y: 30, width: 200, height: 150)
        let whole = scene.model.render(window)
        for piece in window.tiles(width: 57, height: 41) {
            let part = scene.model.render(piece)
            for row in 0..<piece.height {
                for column in 0..<piece.width {
                    let i = (piece.y - window.y + row) * window.width + (piece.x - window.x) + column, j = row * piece.width + column
                    guard whole.content[i] == part.content[j], whole.landCover[i] == part.landCover[j],
                          whole.terrain!.factor[i] == part.terrain!.factor[j] else {
                        Issue.record("pixel \(piece.x + column), \(piece.y + row) differs between tilings")
                        return
                    }
                }
            }
        }
    }

    /// An L1A world with terrain makes its product with the DEM that shapes its content: dem.tif
    /// holds, on the scene's pixels, exactly the heights the world's content was made with.
    @Test func l1aWorldUsesOneDEMForGeometryAndContent() throws {
        var l1a = L1AParameters()
        l1a.demRelief = 250
        let scene = try SyntheticScene(width: 96, height: 80, seed: 7).withTerrain(TerrainParameters(l1a: l1a), l1a: l1a)
        let dir = try TemporaryDirectory()
        var writer = WorldWriter()
        writer.l1a = l1a
        let files = try writer.write(scene, to: dir.path, samples: [])
        #expect(files.productSummary?.demHeightRange == [150, 400])
        let (dem, raster) = try Self.read(try #require(files.dem))
        let t = try #require(raster.geoTransform)
        let ox = Int((scene.geoTransform.originX - t.originX) / 4), oy = Int((t.originY - scene.geoTransform.originY) / 4)
        #expect(ox > 0 && oy > 0, "the DEM reaches beyond the scene")
        let heights = try #require(scene.model.render(Window(width: 96, height: 80)).terrain?.height)
        let mismatches = (0..<80 * 96).filter { dem[($0 / 96 + oy) * raster.width + $0 % 96 + ox] != Double(heights[$0]) }
        #expect(mismatches.isEmpty, "\(mismatches.count) pixels differ between dem.tif and the content's terrain")
    }

    @Test func badCombinationsAreUsageErrors() throws {
        #expect(try ChildProcess.regolith(["synth", "--out", "/tmp/x", "--sar"]).status == 2, "--sar needs --terrain")
        #expect(try ChildProcess.regolith(["synth", "--out", "/tmp/x", "--terrain", "--dem-relief", "-1"]).status == 2)
    }
}
