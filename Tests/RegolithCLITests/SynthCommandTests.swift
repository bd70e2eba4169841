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

    /// `--level L1A`: the product tarball (six members, as CRESDA names them), the DEM, the ortho
    /// reference in truth/, the RPC fit error on the console and in world.json, no staging folder
    /// left; byte-identical whatever --threads (tarball and DEM included).
    @Test func l1aLevelWritesTheProductAndIsDeterministic() throws {
        let dir = try TemporaryDirectory()
        var outputs: [[String: Data]] = []
        for threads in ["1", "2"] {
            let result = try ChildProcess.regolith(["synth", "--width", "128", "--height", "96", "--seed", "3", "--samples", "20",
                                                    "--level", "L1A", "--dem-relief", "200", "--threads", threads,
                                                    "--out", dir.file("t\(threads)")])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("-MSS1.tiff") && result.stdout.contains("RPC fit error"), "\(result.stdout)")
            outputs.append(try filesUnder(dir.file("t\(threads)")))
        }
        let names = outputs[0].keys.sorted()
        let product = try #require(names.first { $0.hasSuffix(".tar.gz") })
        #expect(product.hasPrefix("GF2_PMS1_E107.2_N22.5_20201112_L1A") && !product.contains("MSS"))
        #expect(Set(names) == [product, "dem.tif", "samples.csv", "world.json", "truth/ortho-dn.tif", "truth/ortho-dn.xml",
                               "truth/re2o3.tif", "truth/landcover.tif", "truth/zones.tif"])
        #expect(outputs[1] == outputs[0], "files differ between --threads 1 and 2")
        let listing = try ChildProcess.run("/usr/bin/tar", ["-tzf", dir.file("t1/\(product)")])
        let stem = String(product.dropLast(".tar.gz".count))
        #expect(listing.stdout.split(separator: "\n").map(String.init).sorted()
                == ["MSS1.rpb", "MSS1.tiff", "MSS1.xml", "PAN1.rpb", "PAN1.tiff", "PAN1.xml"].map { "\(stem)-\($0)" })
        let world = try #require(try JSONSerialization.jsonObject(with: outputs[0]["world.json"]!) as? [String: Any])
        let l1a = try #require(world["l1a"] as? [String: Any])
        let mss = try #require(l1a["mss"] as? [String: Any])
        let fit = try #require(mss["rpcFitError"] as? [String: Any])
        #expect((fit["maximum"] as? Double).map { $0 < 0.05 } == true)
        #expect(l1a["demHeightRange"] as? [Double] == [150, 350])
    }

    @Test func badArgumentsAreUsageErrors() throws {
        #expect(try ChildProcess.regolith(["synth", "--out", "/tmp/x", "--level", "L2"]).status == 2)
        #expect(try ChildProcess.regolith(["synth", "--out", "/tmp/x", "--level", "L1A", "--dem-relief", "-5"]).status == 2)
        #expect(try ChildProcess.regolith(["synth", "--out", "/tmp/x", "--dem-relief", "100"]).status == 2, "ortho worlds have no DEM")
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
