import Foundation
import RasterIO
import Testing
import TestSupport

@Suite("regolith info and the command line, run as a child process")
struct InfoCommandTests {
    @Test func textSummaryOfAScene() throws {
        let dir = try TemporaryDirectory()
        try TestRasters.write(dir.file("scene.tif"), width: 640, height: 480, bands: 4, nodata: 0,
                              descriptions: ["blue", "green", "red", "nir"])
        let result = try ChildProcess.regolith(["info", dir.file("scene.tif")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        for expected in ["640 × 480 pixels, 4 bands", "WGS 84 / UTM zone 48N (EPSG:32648)", "ZSTD", "UInt16",
                         "blue", "nir", "107.2", "22.4"] {
            #expect(result.stdout.contains(expected), "missing \(expected) in\n\(result.stdout)")
        }
    }

    /// The streamed statistics agree with `gdalinfo -stats`, an independent implementation.
    @Test func jsonStatisticsMatchGdalinfo() throws {
        let dir = try TemporaryDirectory()
        try TestRasters.write(dir.file("scene.tif"), width: 777, height: 555, bands: 3, nodata: 0, tileSize: 256)
        let result = try ChildProcess.regolith(["info", "--json", "--threads", "2", dir.file("scene.tif")])
        #expect(result.status == 0, "\(result.stderr)")
        let ours = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        #expect(ours["width"] as? Int == 777 && ours["epsg"] as? Int == 32648)
        let gdalinfo = try #require(ChildProcess.which("gdalinfo"), "gdal-bin is installed by make test")
        // Copy first: gdalinfo -stats writes an .aux.xml beside the file.
        try FileManager.default.copyItem(atPath: dir.file("scene.tif"), toPath: dir.file("copy.tif"))
        let reference = try ChildProcess.run(gdalinfo, ["-json", "-stats", dir.file("copy.tif")])
        let theirs = try JSONSerialization.jsonObject(with: Data(reference.stdout.utf8)) as! [String: Any]
        let ourBands = ours["bands"] as! [[String: Any]]
        let theirBands = theirs["bands"] as! [[String: Any]]
        for (a, b) in zip(ourBands, theirBands) {
            let stats = a["statistics"] as! [String: Any]
            #expect(stats["minimum"] as? Double == b["minimum"] as? Double)
            #expect(stats["maximum"] as? Double == b["maximum"] as? Double)
            let mean = stats["mean"] as! Double, theirMean = b["mean"] as! Double
            let sd = stats["standardDeviation"] as! Double, theirSD = b["stdDev"] as! Double
            // gdalinfo -json prints mean and stdDev rounded to three decimals.
            #expect(abs(mean - theirMean) <= 5.0001e-4)
            #expect(abs(sd - theirSD) <= 5.0001e-4)
        }
    }

    @Test func badInputExitsOneWithOneLineNamingTheFile() throws {
        let dir = try TemporaryDirectory()
        _ = FileManager.default.createFile(atPath: dir.file("samples.csv"), contents: Data("id,lon,lat\n".utf8))
        for (path, problem) in [(dir.file("missing.tif"), "no such file"), (dir.file("samples.csv"), "not a raster"), (dir.path, "directory")] {
            let result = try ChildProcess.regolith(["info", path])
            #expect(result.status == 1)
            #expect(result.stdout.isEmpty)
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(result.stderr)")
            #expect(lines.first?.hasPrefix("regolith: \(path): ") == true && result.stderr.contains(problem), "\(result.stderr)")
        }
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try ChildProcess.regolith(["info"]).status == 2)
        #expect(try ChildProcess.regolith(["info", "--threads", "0", "x.tif"]).status == 2)
        #expect(try ChildProcess.regolith(["frobnicate"]).status == 2)
    }

    @Test(arguments: ["info", "synth", "correlate", "krige", "ndvi", "focal-mean"])
    func everySubcommandHasHelpWithAnExample(command: String) throws {
        let help = try ChildProcess.regolith([command, "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("Example"), "\(command) --help has no example")
        #expect(help.stdout.contains("regolith \(command) "), "\(command) --help shows no usage line")
    }

    @Test func helpAndVersion() throws {
        let help = try ChildProcess.regolith(["--help"])
        #expect(help.status == 0 && help.stdout.contains("info") && help.stdout.contains("Example"))
        let infoHelp = try ChildProcess.regolith(["info", "--help"])
        #expect(infoHelp.status == 0 && infoHelp.stdout.contains("regolith info scene.tif"))
        let version = try ChildProcess.regolith(["--version"])
        #expect(version.status == 0 && version.stdout.hasPrefix("regolith ") && version.stdout.contains("GDAL 3."))
    }
}
