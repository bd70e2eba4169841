import Foundation
import RasterIO
import Testing
import TestSupport

@Suite("regolith synth, run as a child process")
struct SynthCommandTests {
    @Test func writesAWorldThatGDALReads() throws {
        let dir = try TemporaryDirectory()
        let result = try ChildProcess.regolith(["synth", "--width", "200", "--height", "150", "--seed", "4",
                                                "--samples", "40", "--out", dir.file("w")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("samples.csv (40 samples)"))
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.file("w")).sorted()
        let scene = try #require(names.first { $0.hasSuffix("-MSS1.tiff") })
        #expect(scene.hasPrefix("GF2_PMS1_E107.2_N22.5_20201112_L1A"))
        let gdalinfo = try #require(ChildProcess.which("gdalinfo"), "gdalinfo (gdal-bin) is installed by tools/install-deps.sh")
        let info = try ChildProcess.run(gdalinfo, ["-json", dir.file("w/\(scene)")])
        let json = try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as! [String: Any]
        #expect(json["size"] as? [Int] == [200, 150])
        let bands = json["bands"] as! [[String: Any]]
        #expect(bands.count == 4 && bands.allSatisfy { $0["type"] as? String == "UInt16" })
        let structure = (json["metadata"] as! [String: Any])["IMAGE_STRUCTURE"] as! [String: String]
        #expect(structure["COMPRESSION"] == "ZSTD")
        let csv = try String(contentsOfFile: dir.file("w/samples.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.first == "id,lon,lat,re2o3" && csv.count == 41)
    }

    /// The help's promise: the same seed and size give byte-identical files whatever --threads and
    /// --tile-size (each run in its own process, as users run it).
    @Test func filesAreByteIdenticalWhateverTheTilingAndThreads() throws {
        let dir = try TemporaryDirectory()
        var outputs: [[String: Data]] = []
        for (index, (tileSize, threads)) in [("512", "2"), ("100", "1"), ("1000", "2")].enumerated() {
            let result = try ChildProcess.regolith(["synth", "--width", "2100", "--height", "530", "--seed", "11", "--samples", "60",
                                                    "--tile-size", tileSize, "--threads", threads, "--quiet", "--out", dir.file("run\(index)")])
            #expect(result.status == 0, "\(result.stderr)")
            let files = try filesUnder(dir.file("run\(index)"))
            outputs.append(files)
        }
        #expect(outputs[0].count == 7)
        for other in outputs.dropFirst() {
            #expect(other.keys.sorted() == outputs[0].keys.sorted())
            for (name, data) in outputs[0] { #expect(other[name] == data, "\(name) differs") }
        }
    }

    @Test func badArgumentsAreUsageErrors() throws {
        #expect(try ChildProcess.regolith(["synth", "--width", "10", "--out", "/tmp/x"]).status == 2)
        #expect(try ChildProcess.regolith(["synth", "--width", "100"]).status == 2, "--out is required")
        #expect(try ChildProcess.regolith(["synth", "--out", "/tmp/x", "--tile-size", "0"]).status == 2)
    }

    @Test func unusableOutputFolderIsOneLine() throws {
        let dir = try TemporaryDirectory()
        _ = FileManager.default.createFile(atPath: dir.file("plain-file"), contents: Data("x".utf8))
        let result = try ChildProcess.regolith(["synth", "--width", "100", "--height", "100", "--out", dir.file("plain-file/world")])
        #expect(result.status == 1)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("regolith: \(dir.file("plain-file/world")): "))
        #expect(dir.contents() == ["plain-file"])
    }

    @Test func tooManySamplesForTheAreaIsOneLine() throws {
        let dir = try TemporaryDirectory()
        let result = try ChildProcess.regolith(["synth", "--width", "64", "--height", "64", "--samples", "5000", "--out", dir.file("w")])
        #expect(result.status == 1)
        #expect(result.stderr.contains("fewer than the 5000 samples asked for"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("w/samples.csv")))
    }
}
