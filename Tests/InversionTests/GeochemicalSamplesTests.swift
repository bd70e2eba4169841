import Foundation
import RasterIO
import Testing
import TestSupport
@testable import Inversion

/// Samples files as field teams name their columns, and the refusals that keep nonsense out of a
/// map: duplicate ids (issue 14, item 6) and samples nowhere near the scene (item 7).
@Suite("Geochemical samples files")
struct GeochemicalSamplesTests {
    static let utm = try! SpatialReference("EPSG:32648")

    static func write(_ text: String, in dir: TemporaryDirectory, name: String = "samples.csv") throws -> String {
        let file = dir.file(name)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test(arguments: [("lon", "lat"), ("Longitude", "LATITUDE"), ("经度", "纬度"), ("x", "y"), ("EAST", "North"), ("Easting", "northing")])
    func commonCoordinateNamesAreRecognised(x: String, y: String) throws {
        let dir = try TemporaryDirectory()
        let file = try Self.write("id;\(y);\(x);re2o3\r\nA;22.46;107.21;1.5\r\nB;22.47;107.22;2.5\r\n", in: dir)
        let samples = try GeochemicalSamples(path: file, targetCRS: nil)
        #expect(samples.x == [107.21, 107.22] && samples.y == [22.46, 22.47])
        #expect(samples.ids == ["A", "B"] && samples.lines == [2, 3] && samples.values == [1.5, 2.5])
    }

    /// With both a lon/lat and an x/y pair, the pair matching the samples' CRS is read.
    @Test func thePairMatchingTheCRSWinsOverTheOther() throws {
        let dir = try TemporaryDirectory()
        let file = try Self.write("id,x,y,lon,lat,re2o3\nA,727010,2485990,107.21,22.46,1\n", in: dir)
        let geographic = try GeochemicalSamples(path: file, targetCRS: nil)
        #expect(geographic.x == [107.21] && geographic.y == [22.46])
        let projected = try GeochemicalSamples(path: file, sourceCRS: Self.utm, targetCRS: nil)
        #expect(projected.x == [727010] && projected.y == [2485990])
    }

    @Test func namedColumnsAreReadWhateverTheirNames() throws {
        let dir = try TemporaryDirectory()
        let file = try Self.write("hole\tE_2000\tN_2000\tre2o3\nA\t727010\t2485990\t1\n", in: dir)
        let format = SampleTableFormat(delimiter: .tab, xColumn: "e_2000", yColumn: "N_2000")
        let samples = try GeochemicalSamples(path: file, sourceCRS: Self.utm, targetCRS: nil, format: format)
        #expect(samples.x == [727010] && samples.y == [2485990] && samples.ids == ["row 1"])
    }

    @Test(arguments: [
        ("hole,E,N,re2o3\nA,1,2,3\n", "samples.csv:1: no coordinate columns: name them lon/lat, longitude/latitude, 经度/纬度, x/y, east/north, easting/northing, or choose them with --x-column and --y-column (columns: hole, E, N, re2o3)"),
        ("id,lon,latitude,re2o3\nA,1,2,3\n", "samples.csv:1: has a column 'lon' but no 'lat'"),
        ("id,lon,lat,re2o3\nZK1,107.2,22.4,1\nZK2,107.3,22.4,1\nZK1,107.4,22.4,2\n", "samples.csv:4: sample id 'ZK1' is also on line 2; each sample id must be unique"),
        ("id,lon,lat,re2o3\nZK1,107.2,22.4,1\n,107.3,22.4,1\n", "samples.csv:3: sample id (column 'id') is empty"),
        ("id,lon,lat,re2o3\nZK1,727010,2485990,1\n", "samples.csv:2: (727010.0, 2485990.0) in columns 'lon', 'lat' is not a longitude/latitude"),
    ])
    func badSamplesFilesAreRefusedInOneLine(text: String, message: String) throws {
        let dir = try TemporaryDirectory()
        let file = try Self.write(text, in: dir)
        let failure = try #require(throws: CSVTable.Failure.self) { try GeochemicalSamples(path: file, targetCRS: nil) }
        #expect(failure.description.hasPrefix(dir.path + "/" + message), "\(failure)")
    }

    /// Samples 100 km east of the scene are refused with both boxes in the scene's CRS; one sample
    /// within the margin is enough to accept them.
    @Test func samplesFarFromTheSceneAreRefusedSayingWhereBothAre() throws {
        let dir = try TemporaryDirectory()
        let file = try Self.write("id,x,y,re2o3\nA,827000,2485000,1\nB,828000,2484000,2\n", in: dir)
        let samples = try GeochemicalSamples(path: file, sourceCRS: Self.utm, targetCRS: Self.utm)
        let scene = MapExtent(minX: 727_000, minY: 2_480_000, maxX: 733_000, maxY: 2_486_000)
        let failure = try #require(throws: CSVTable.Failure.self) {
            try samples.requireNear(scene: "scene.tif", extent: scene, crs: Self.utm, margin: 6000)
        }
        #expect(failure.description.contains("no sample lies in or within 6000 metres of scene.tif: the samples span x 827000.0…828000.0, y 2484000.0…2485000.0, the scene x 727000.0…733000.0, y 2480000.0…2486000.0 (WGS 84 / UTM zone 48N (EPSG:32648))"), "\(failure)")
        #expect(!failure.description.contains("\n"))
        try samples.requireNear(scene: "scene.tif", extent: scene, crs: Self.utm, margin: 94_000)
    }
}
