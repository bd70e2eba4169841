import Foundation
import Inversion
import NeuralNet
import Pipeline
import RasterIO
import TileEngine

// Runs one of Regolith's parsers on every input in a folder, for the fuzz test (Tests/FuzzTests):
//
//     FuzzHarness KIND FOLDER
//
// Each input (a file, or for `model`, `plan` and `domain` a folder) is announced on stderr as
// `parsing <path>` before it is parsed, so that when a parser traps (the process dies of a signal)
// the last such line names the input that killed it. After each parse one JSON line goes to
// stdout: {"input": path} when it parsed, {"input": path, "error": description} when it threw.

/// One parser: reads the input at the path, throwing what Regolith would report.
let parsers: [String: (String) throws -> Void] = [
    "csv": { _ = try CSVTable(path: $0) },
    "samples": { _ = try GeochemicalSamples(path: $0, valueColumn: "re2o3", sourceCRS: .wgs84, targetCRS: try SpatialReference("EPSG:32648")) },
    "sampleset": { _ = try SampleSet(path: $0, target: "re2o3") },
    "metadata": { _ = try GF2Metadata.read($0) },
    "model": { folder in
        // A model that loads must also evaluate, and become invert's kernel (its inference plan).
        let model = try Model.load(from: folder)
        _ = model.referencePrediction(sample: [Float](repeating: 0.1, count: model.sampleLength))
        _ = try ContentMapKernel(model: model, modelContent: ContentInput(role: "model", source: folder, digest: "fuzz"), sceneWidth: 64, domain: nil)
    },
    // A model folder of another kind (here gradient-boosted trees): loads, predicts a pixel, becomes a kernel.
    "featuremodel": { folder in
        let (model, domain) = try ModelFolder.load(folder)
        if case let .features(features) = model { _ = try features.predict([[Double](repeating: 0.1, count: features.bands.count)]) }
        _ = try ContentMapKernel(model: model, modelContent: ContentInput(role: "model", source: folder, digest: "fuzz"), sceneWidth: 64, domain: domain)
    },
    "configuration": { _ = try RunConfiguration.load($0) },
    "scenelist": { _ = try SceneBatch.expand(["@" + $0]) },
    // Product catalogues without reading the products (their paths need only exist).
    "productlist": { _ = try ProductCatalogue.listFile($0, readProducts: false) },
    "stac": { _ = try ProductCatalogue.stac($0, readProducts: false) },
    "plan": { folder in
        let plan = try ShardPlan.load(from: folder)
        _ = plan.unfinishedUnits(in: folder).map(plan.describe)
    },
    "domain": { folder in
        guard let domain = try ApplicabilityDomain.load(from: folder) else { return }
        _ = domain.distance([Double](repeating: 0.1, count: domain.mean.count))
    },
]

let arguments = CommandLine.arguments
guard arguments.count == 3, let parse = parsers[arguments[1]] else {
    FileHandle.standardError.write(Data("usage: FuzzHarness \(parsers.keys.sorted().joined(separator: "|")) FOLDER\n".utf8))
    exit(2)
}
let folder = arguments[2]
for name in try FileManager.default.contentsOfDirectory(atPath: folder).sorted() {
    let path = (folder as NSString).appendingPathComponent(name)
    FileHandle.standardError.write(Data("parsing \(path)\n".utf8))
    var line: [String: String] = ["input": path]
    do { try parse(path) } catch { line["error"] = String(describing: error) }
    let json = try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys, .withoutEscapingSlashes])
    FileHandle.standardOutput.write(json + Data("\n".utf8))
}
