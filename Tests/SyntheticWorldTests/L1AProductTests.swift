import Foundation
import RasterIO
import SyntheticWorld
import Testing
import TestSupport

/// The L1A product of a synthetic world (`synth --level L1A`): GDAL finds its RPCs inside the
/// tarball, the RPCs are the camera's, and GDAL's RPC orthorectification with the DEM puts the
/// pixels back where the ortho reference has them.
@Suite("Synthetic L1A product: tarball, RPC, DEM and geometry")
struct L1AProductTests {
    /// 300 × 300 px, seed 23: satellite zenith 7.19°, azimuth 234.3° (so terrain displaces pixels
    /// along both axes), DEM relief 300 m.
    static let world = Result { () throws -> (folder: TemporaryDirectory, files: WorldWriter.Files, scene: SyntheticScene) in
        var parameters = WorldParameters()
        parameters.sampleCount = 40
        let scene = try SyntheticScene(width: 300, height: 300, seed: 23, parameters: parameters)
        let folder = try TemporaryDirectory("regolith-l1a")
        var writer = WorldWriter()
        writer.l1a = L1AParameters()
        let files = try writer.write(scene, to: folder.path, samples: try SampleSurvey.take(in: scene))
        return (folder, files, scene)
    }

    static var gdalInstalled: Bool { ["gdalinfo", "gdalwarp", "gdaltransform"].allSatisfy { ChildProcess.which($0) != nil } }

    static func member(_ files: WorldWriter.Files, _ name: String) -> String { "/vsitar/\(files.product!)/\(name)" }

    /// `gdalwarp -rpc` of the L1A MSS onto the ortho reference's grid (its -te and -tr), bilinear
    /// unless `resampling` says otherwise. Without the DEM at the RPC's HEIGHT_OFF (`RPC_HEIGHT`, as
    /// Regolith does): GDAL's own default is height 0, as `gdaltransform -rpc -i` shows.
    static func orthorectify(_ files: WorldWriter.Files, scene: SyntheticScene, dem: Bool, resampling: String = "bilinear",
                             to output: String) throws {
        let extent = scene.geoTransform.extent(width: scene.width, height: scene.height)
        let epsg = try #require(scene.spatialReference.epsg)
        var arguments = ["-q", "-overwrite", "-rpc", "-t_srs", "EPSG:\(epsg)", "-r", resampling, "-tr", "4", "4",
                         "-te", "\(extent.minX)", "\(extent.minY)", "\(extent.maxX)", "\(extent.maxY)"]
        let summary = try #require(files.productSummary)
        arguments += ["-to", dem ? "RPC_DEM=\(files.dem!)" : "RPC_HEIGHT=\(summary.mss.rpc.heightOffset)"]
        let result = try ChildProcess.run(ChildProcess.which("gdalwarp")!, arguments + [member(files, summary.mss.member), output])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test(.enabled(if: gdalInstalled, "gdal-bin is installed by tools/install-deps.sh"))
    func gdalReadsTheRPCsInsideTheTarball() throws {
        let (_, files, _) = try Self.world.get()
        let summary = try #require(files.productSummary)
        for image in [summary.mss, summary.pan] {
            let info = try ChildProcess.run(ChildProcess.which("gdalinfo")!, ["-json", Self.member(files, image.member)])
            #expect(info.status == 0, "\(info.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any])
            #expect(json["size"] as? [Int] == [image.geometry.width, image.geometry.height])
            #expect(json["geoTransform"] == nil, "an L1A image is in sensor geometry")
            let rpc = try #require((json["metadata"] as? [String: Any])?["RPC"] as? [String: Any], "no RPC domain in \(image.member)")
            #expect(rpc.keys.contains("LINE_NUM_COEFF") && rpc.keys.contains("HEIGHT_OFF"))
            let xmlName = image.member.replacingOccurrences(of: ".tiff", with: ".xml")
            let xml = try ChildProcess.run("/usr/bin/tar", ["-xzOf", files.product!, xmlName]).stdout
            #expect(xml.contains("<WidthInPixels>\(image.geometry.width)</WidthInPixels>"))
            #expect(xml.contains("<HeightInPixels>\(image.geometry.height)</HeightInPixels>"))
        }
        #expect(summary.pan.geometry.width == 4 * summary.mss.geometry.width)
    }

    /// The RPC fit against the camera on 2000 independent check points, and GDAL's own evaluation
    /// of the `.rpb` (through `gdaltransform -rpc -i` on the tarball member) against the camera.
    /// Measured: fit error 4e-10 px (MSS) and 1.6e-9 px (PAN) at most, as a cubic in longitude and
    /// latitude is all UTM needs over 1.2 km (it grows with the scene); GDAL agrees with the camera
    /// to 1e-6 px (its printed digits), so the `.rpb` layout and the half-pixel convention hold.
    @Test(.enabled(if: gdalInstalled, "gdal-bin is installed by tools/install-deps.sh"))
    func theRPCsAreTheCamerasAndGDALEvaluatesThemSo() throws {
        let (folder, files, scene) = try Self.world.get()
        let summary = try #require(files.productSummary)
        for image in [summary.mss, summary.pan] {
            #expect(image.rpcFitError.checkPoints == 2000)
            #expect(image.rpcFitError.maximum <= 2e-8, "\(image.member): \(image.rpcFitError)")
            #expect(image.rpcFitError.maximum >= image.rpcFitError.rms)
        }
        let geometry = summary.mss.geometry
        let toLonLat = try CoordinateTransformer(from: scene.spatialReference, to: .wgs84)
        var random = SeededGenerator(seed: 5)
        var ground: [(east: Double, north: Double, height: Double)] = []
        for _ in 0..<50 {
            let a = geometry.apparent(sample: Double.random(in: 0...Double(geometry.width), using: &random),
                                      line: Double.random(in: 0...Double(geometry.height), using: &random))
            ground.append((a.east, a.north, Double.random(in: summary.demHeightRange[0]...summary.demHeightRange[1], using: &random)))
        }
        let lonLat = try toLonLat.transform(ground.map { (x: $0.east, y: $0.north) })
        let input = zip(lonLat, ground).map { String(format: "%.12f %.12f %.6f", $0.x, $0.y, $1.height) }.joined(separator: "\n")
        let points = folder.file("ground-points.txt")
        try Data(input.utf8).write(to: URL(fileURLWithPath: points))
        let result = try ChildProcess.run("/bin/sh", ["-c", "\"$0\" -rpc -i -output_xy \"$1\" < \"$2\"",
                                                      ChildProcess.which("gdaltransform")!, Self.member(files, summary.mss.member), points])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == ground.count)
        var worst = 0.0
        for (line, point) in zip(lines, ground) {
            let values = line.split(separator: " ").compactMap { Double($0) }
            let camera = geometry.image(east: point.east, north: point.north, height: point.height)
            // GDAL's pixel/line put the first pixel's centre at ½; the RPC convention at 0.
            worst = max(worst, hypot(values[0] - (camera.sample + 0.5), values[1] - (camera.line + 0.5)))
        }
        #expect(worst <= 1e-5, "GDAL's RPC evaluation is \(worst) px from the camera")
    }

    /// Orthorectified by GDAL with the DEM onto the ortho grid, the L1A MSS lines up with the ortho
    /// reference: 16 × 16 check points, 17 × 17 px patches, green band. Measured: 0.054 px RMSE on
    /// all 256 points (the bound: 0.3 px).
    @Test(.enabled(if: gdalInstalled, "gdal-bin is installed by tools/install-deps.sh"))
    func orthorectifiedWithTheDEMTheGeometryIsTheReferences() throws {
        let (folder, files, scene) = try Self.world.get()
        let output = folder.file("ortho-with-dem.tif")
        try Self.orthorectify(files, scene: scene, dem: true, to: output)
        let matches = try GeolocationCheck(searchRadius: 7).matches(referencePath: files.scene, candidatePath: output, band: 2, grid: 16)
        #expect(matches.count >= 200)
        let rmse = GeolocationCheck.rmse(matches)
        #expect(rmse <= 0.3, "geolocation RMSE \(rmse) px on \(matches.count) points")
        print("L1A + DEM → ortho: geolocation RMSE \(rmse) px on \(matches.count) check points")
    }

    /// The PAN image, orthorectified with the DEM onto the 4 m ortho grid (`-r average` over its
    /// 1 m pixels), against the reference's PAN-equivalent DN (the weighted mean of the four bands'
    /// radiances over the PAN gain): the same geometry and the same mean. Measured: 0.029 px RMSE on
    /// 256 points, mean DN equal to 1.9e-4 (relative: the PAN sees the world at its own 1 m points,
    /// with its own noise, not the MSS DNs), hence the bound of 2e-3.
    @Test(.enabled(if: gdalInstalled, "gdal-bin is installed by tools/install-deps.sh"))
    func thePANImageHasTheSameGeometryAndRadiance() throws {
        let (folder, files, scene) = try Self.world.get()
        let summary = try #require(files.productSummary)
        let output = folder.file("pan-ortho.tif")
        let extent = scene.geoTransform.extent(width: scene.width, height: scene.height)
        let result = try ChildProcess.run(ChildProcess.which("gdalwarp")!, [
            "-q", "-overwrite", "-rpc", "-to", "RPC_DEM=\(files.dem!)", "-t_srs", "EPSG:\(scene.spatialReference.epsg!)",
            "-r", "average", "-tr", "4", "4", "-te", "\(extent.minX)", "\(extent.minY)", "\(extent.maxX)", "\(extent.maxY)",
            Self.member(files, summary.pan.member), output])
        #expect(result.status == 0, "\(result.stderr)")
        let ortho = try Raster.open(files.scene), pan = try Raster.open(output)
        let bands = try ortho.read(ortho.fullWindow, as: Float.self), n = ortho.width * ortho.height
        let p = summary.parameters, gains = scene.model.parameters.sensorGains
        let reference = (0..<n).map { i in
            Float((0..<4).reduce(0.0) { $0 + p.panWeights[$1] * gains[$1] * Double(bands[$1 * n + i]) } / p.panGain)
        }
        let panValues = try pan.read(pan.fullWindow, as: Float.self)
        let matches = GeolocationCheck().matches(reference: reference, candidate: panValues, width: ortho.width,
                                                 height: ortho.height, nodata: 0, grid: 16)
        #expect(matches.count >= 200)
        let rmse = GeolocationCheck.rmse(matches)
        #expect(rmse <= 0.3, "PAN geolocation RMSE \(rmse) px on \(matches.count) points")
        let inside = panValues.indices.filter { panValues[$0] > 0 }
        let meanPAN = inside.reduce(0.0) { $0 + Double(panValues[$1]) } / Double(inside.count)
        let meanReference = inside.reduce(0.0) { $0 + Double(reference[$1]) } / Double(inside.count)
        #expect(abs(meanPAN / meanReference - 1) <= 2e-3, "PAN mean DN \(meanPAN), reference \(meanReference)")
        print("L1A PAN + DEM → ortho (4 m average): geolocation RMSE \(rmse) px on \(matches.count) points, mean DN \(meanPAN) vs \(meanReference)")
    }

    /// Without a DEM GDAL puts every pixel at the RPC's HEIGHT_OFF (h₀), so a point at height h
    /// appears (h − h₀)·tan(satellite zenith) metres away from the satellite: here up to 150 m ×
    /// tan 7.19° = 19 m ≈ 4.7 px. Measured on 218 points: 1.78 px RMS displacement, following that
    /// prediction to 0.28 px RMSE (the parabolic peak fit's bias at fractional shifts; 0.05 px at
    /// whole-pixel ones, above), hence the bound of 0.5 px.
    @Test(.enabled(if: gdalInstalled, "gdal-bin is installed by tools/install-deps.sh"))
    func withoutTheDEMTheTerrainDisplacesPixelsAsTheGeometrySays() throws {
        let (folder, files, scene) = try Self.world.get()
        let summary = try #require(files.productSummary)
        let output = folder.file("ortho-without-dem.tif")
        try Self.orthorectify(files, scene: scene, dem: false, to: output)
        let matches = try GeolocationCheck(searchRadius: 7).matches(referencePath: files.scene, candidatePath: output, band: 2, grid: 16)
        #expect(matches.count >= 200)
        let dem = try Raster.open(files.dem!)
        let heights = try dem.read(dem.fullWindow, as: Float.self)
        let demTransform = try #require(dem.geoTransform)
        let displacement = summary.mss.geometry.displacementPerMetre, ps = scene.geoTransform.pixelWidth
        let expected = { (m: GeolocationCheck.Match) -> (dx: Double, dy: Double) in
            let centre = scene.geoTransform.map(column: Double(m.column) + 0.5, row: Double(m.row) + 0.5)
            let cell = demTransform.pixel(x: centre.x, y: centre.y)!
            // Cell centres of the DEM lie on the ortho grid's, so this is a cell's own height.
            let h = Double(heights[Int(cell.row) * dem.width + Int(cell.column)])
            let rise = h - summary.mss.rpc.heightOffset
            return (rise * displacement.east / ps, -rise * displacement.north / ps)
        }
        let agreement = GeolocationCheck.rmse(matches, expected: expected)
        let displaced = GeolocationCheck.rmse(matches)
        #expect(agreement <= 0.5, "shifts \(agreement) px RMS from the terrain displacement expected")
        #expect(displaced >= 1, "without the DEM the pixels should be displaced, RMS \(displaced) px")
        print("L1A without DEM → ortho: \(displaced) px RMS displacement, \(agreement) px RMSE from the expected on \(matches.count) points")
    }
}
