import Foundation
import Testing
import TestSupport

/// The crashes of issue 14 (Swift traps, exit 132/133/134), each reproduced as a user met it: every
/// one now ends with exit 1 (bad input) or 2 (bad option) and a one-line message, never a signal.
@Suite("No trap is reachable from input")
struct InputTrapTests {
    static let sampleSet = Fixtures.path("reference/baselines/sampleset.csv")
    static let scene = Fixtures.path("world/GF2_PMS1_E107.2_N22.5_20201112_L1A0005218441-MSS1.tiff")

    /// A usage error: exit 2 and one line naming the option, the problem and where the help is.
    static func expectUsageError(_ arguments: [String], _ expected: String, environment: [String: String]? = nil) throws {
        let result = try ChildProcess.regolith(arguments, environment: environment)
        let lines = result.stderr.split(separator: "\n")
        #expect(result.status == 2 && lines.count == 1 && result.stderr.hasPrefix("regolith: ") && result.stderr.contains(expected)
                && result.stderr.contains("--help')"), "\(arguments): status \(result.status), \(result.stderr)")
    }

    /// An input error: exit 1 and exactly one line on stderr, starting with the file.
    static func expectInputError(_ arguments: [String], file: String, _ expected: String, environment: [String: String]? = nil) throws {
        let result = try ChildProcess.regolith(arguments + ["--quiet"], environment: environment)
        let lines = result.stderr.split(separator: "\n")
        #expect(result.status == 1 && lines.count == 1 && result.stderr.hasPrefix("regolith: \(file)") && result.stderr.contains(expected),
                "\(arguments): status \(result.status), \(result.stderr)")
    }

    @Test func spatialBlockSizesThatAreNoGridAreRefused() throws {
        let dir = try TemporaryDirectory()
        try Self.expectUsageError(["train", Self.sampleSet, "--out", dir.file("m0"), "--block-size", "0"], "--block-size: 0.0 is not a positive number")
        try Self.expectUsageError(["train", Self.sampleSet, "--out", dir.file("m1"), "--block-size", "nan"], "--block-size: nan is not a positive number")
        // Positive, but 1e303 blocks across the survey: the block index overflowed Int.
        try Self.expectInputError(["train", Self.sampleSet, "--out", dir.file("m2"), "--block-size", "1e-300"], file: Self.sampleSet,
                                  "a spatial block size of 1e-300 m gives")
        #expect(!FileManager.default.fileExists(atPath: dir.file("m2/model.json")), "refused before any training")
    }

    @Test func sizesAndCountsBeyondAnyMachineAreRefused() throws {
        let dir = try TemporaryDirectory()
        try Self.expectUsageError(["ndvi", Self.scene, "--out", dir.file("a.tif"), "--memory", "99999999999GiB"], "--memory: '99999999999GiB' is not a size")
        try Self.expectUsageError(["ndvi", Self.scene, "--out", dir.file("b.tif"), "--tile-size", "4294967296"], "--tile-size: 4294967296 is larger than the largest tile")
        try Self.expectUsageError(["plan", Self.scene, "--tile-size", "4294967296"], "--tile-size: 4294967296 is larger than the largest tile")
        try Self.expectUsageError(["focal-mean", Self.scene, "--out", dir.file("c.tif"), "--size", "4294967297"], "--size: 4294967297 is not an odd window side")
        try Self.expectUsageError(["plan", Self.scene, "--tasks", "4294967296"], "--tasks: 4294967296 is not between 1 and 1000000")
        try Self.expectUsageError(["ndvi", Self.scene, "--out", dir.file("d"), "--shard", "0/9223372036854775807"], "--shard '0/9223372036854775807' is not I/N")
        try Self.expectUsageError(["synth", "--samples", "9999999999999", "--out", dir.file("e")], "--samples: 9999999999999 is not between 3 and 100000")
        // Trained for the whole run, then failed writing an infinite Float into model.json.
        try Self.expectUsageError(["train", Self.sampleSet, "--out", dir.file("m"), "--learning-rate", "1e300"], "--learning-rate: 1e+300 is not a learning rate in (0, 1]")
        try Self.expectUsageError(["bench", "--inference-pixels", "9223372036854775807"], "--inference-pixels: 9223372036854775807 is not between")
    }

    @Test func slurmVariablesBeyondAnyArrayAreRefused() throws {
        let dir = try TemporaryDirectory()
        let huge = ["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "9223372036854775807"]
        try Self.expectInputError(["ndvi", Self.scene, "--out", dir.file("a")], file: "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT is not a task count", environment: huge)
        let overflowing = ["SLURM_ARRAY_TASK_ID": "-9223372036854775808", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "4"]
        try Self.expectInputError(["ndvi", Self.scene, "--out", dir.file("b")], file: "SLURM_ARRAY_TASK_ID=", "do not give a task of 0..<4", environment: overflowing)
    }

    @Test func metadataWithAnInvalidUTF8ByteInATagNameIsRefused() throws {
        let dir = try TemporaryDirectory()
        let fixture = try String(contentsOfFile: (Self.scene as NSString).deletingPathExtension + ".xml", encoding: .utf8)
        let broken = try #require(fixture.range(of: "<SatelliteID>"))
        var bytes = Array(fixture[..<broken.lowerBound].utf8) + Array("<Sat".utf8)
        bytes += [0xFF] + Array(fixture[fixture.index(broken.lowerBound, offsetBy: 4)...].utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: dir.file("scene.xml")))
        try Self.expectInputError(["calibrate", Self.scene, "--xml", dir.file("scene.xml"), "--out", dir.file("refl.tif")], file: dir.file("scene.xml"),
                                  "is not UTF-8 text (an invalid byte on line 3)")
    }

    /// The fixture CNN's folder with `edit` applied to its model.json, and `weights` (if given) as its safetensors.
    static func model(in dir: TemporaryDirectory, edit: (inout [String: Any]) -> Void = { _ in }, weights: Data? = nil) throws -> String {
        let folder = dir.file("model")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Fixtures.path("reference/cnn/model.json")))) as? [String: Any])
        edit(&document)
        try JSONSerialization.data(withJSONObject: document).write(to: URL(fileURLWithPath: folder + "/model.json"))
        try (weights ?? Data(contentsOf: URL(fileURLWithPath: Fixtures.path("reference/cnn/model.safetensors"))))
            .write(to: URL(fileURLWithPath: folder + "/model.safetensors"))
        return folder
    }

    @Test func aModelInputShapeWhoseSizeOverflowsIsRefused() throws {
        let dir = try TemporaryDirectory()
        let folder = try Self.model(in: dir) { document in
            var architecture = document["architecture"] as! [String: Any]
            architecture["inputShape"] = [1, 3_037_000_500, 3_037_000_500]
            document["architecture"] = architecture
        }
        try Self.expectInputError(["invert", folder, Self.scene, "--out", dir.file("c.tif")], file: folder + "/model.json",
                                  "input: shape 1×3037000500×3037000500 has more than")
    }

    @Test func aSafetensorsShapeWhoseSizeOverflowsIsRefused() throws {
        let dir = try TemporaryDirectory()
        var header = Array(#"{"0.weight":{"dtype":"F32","shape":[4294967296,4294967296,16,1],"data_offsets":[0,64]}}"#.utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        let file = withUnsafeBytes(of: UInt64(header.count).littleEndian, Array.init) + header + [UInt8](repeating: 0, count: 64)
        let folder = try Self.model(in: dir, weights: Data(file))
        try Self.expectInputError(["invert", folder, Self.scene, "--out", dir.file("c.tif")], file: folder + "/model.safetensors",
                                  "holds more float32 values than the file's 64 data bytes")
    }

    /// A float map holding ±infinity (a division by zero upstream): histograms and statistics bin
    /// every non-NaN value, and infinity is no bin index.
    @Test func mapsWithInfiniteValuesAreSummarisedAndThresholded() throws {
        let dir = try TemporaryDirectory()
        var values = (0..<(64 * 64)).map { Float($0 % 97) / 10 }
        (values[200], values[300]) = (.infinity, -.infinity)
        let map = try TestRasters.writeFloat(dir.file("map.tif"), width: 64, height: 64, values: values)
        for arguments in [["info", map], ["anomalies", map, "--percentile", "90", "--out", dir.file("a.gpkg")],
                          ["render", map, "--out", dir.file("map.png")]] {
            let result = try ChildProcess.regolith(arguments + ["--quiet"])
            #expect(result.status == 0 || (result.status == 1 && result.stderr.split(separator: "\n").count == 1), "\(arguments): status \(result.status), \(result.stderr)")
        }
    }

    /// A VRT header may claim 2³¹ − 1 pixels a side at no cost; tile lists and histograms of it
    /// exhausted memory (a trap) in every command that reads it whole.
    @Test func rastersLargerThanAnyScenesAreRefusedAtOpening() throws {
        let dir = try TemporaryDirectory()
        let bands = (1...4).map { #"<VRTRasterBand dataType="Float32" band="\#($0)"><NoDataValue>-9999</NoDataValue></VRTRasterBand>"# }
        let vrt = dir.file("huge.vrt")
        try (#"<VRTDataset rasterXSize="2147483647" rasterYSize="2147483647"><SRS>EPSG:32648</SRS><GeoTransform>727000, 4, 0, 2486000, 0, -4</GeoTransform>"#
            + bands.joined() + "</VRTDataset>").write(toFile: vrt, atomically: true, encoding: .utf8)
        for arguments in [["info", vrt], ["render", vrt, "--out", dir.file("r.png")], ["compare", vrt, vrt], ["plan", vrt, "--tasks", "3"],
                          ["anomalies", vrt, "--percentile", "50", "--out", dir.file("a.gpkg")]] {
            try Self.expectInputError(arguments, file: vrt, "is 2147483647 × 2147483647 pixels; Regolith reads rasters of at most")
        }
    }

    @Test func aPlanWhoseUnitsLeaveItsScenesIsRefused() throws {
        let dir = try TemporaryDirectory()
        let plan = #"{"kernel":"ndvi","nodata":-9999,"scenes":[{"bytes":1,"height":300,"modified":0,"path":"/data/a.tif","stem":"a","width":100}],"tasks":1,"unitRows":300,"units":[{"endRow":300,"firstRow":0,"index":0,"pixels":30000,"scene":7,"task":0}]}"#
        try Data(plan.utf8).write(to: URL(fileURLWithPath: dir.file("plan.json")))
        try Self.expectInputError(["mosaic", dir.path, "--out", dir.file("m.vrt")], file: dir.file("plan.json"), "unit 0 names scene 7 of 1")
    }
}
