import Foundation
import Inversion
import NeuralNet
import Pipeline
import Testing
import TestSupport
import TileEngine

/// A resumed map depends on every file of its model folder, whatever the model's kind.
@Suite struct ModelFolderContentTests {
    @Test func theModelDigestCoversTheTrees() throws {
        let dir = try TemporaryDirectory()
        let set = try SampleSet(path: Fixtures.path("reference/baselines/sampleset.csv"))
        let fitted = try XGBoostRegression(hyperparameters: .init(maxDepth: 2, eta: 0.3, rounds: 10, subsample: 1, minChildWeight: 1, lambda: 1))
            .fit(features: set.features, targets: set.krigedTargets)
        let model = try MapModel(fitted: fitted, bands: BandDescriptor.gf2, target: TargetDescriptor(name: "re2o3"), radiometry: InputRadiometry(kind: .toaReflectance))
        try ModelFolder.save(model, validations: [], domain: try ApplicabilityDomain(features: set.features), to: dir.file("model"))
        let files = ContentMapping.modelFiles(in: dir.file("model")).map { ($0 as NSString).lastPathComponent }
        #expect(files == ["model.json", "xgboost.json", "domain.json", "validation.json"])
        let before = try ContentDigest.of(files: ContentMapping.modelFiles(in: dir.file("model")))
        // A changed xgboost.json under the same model.json: another digest, so a resumed map starts over.
        let trees = dir.file("model/xgboost.json")
        try (String(contentsOfFile: trees, encoding: .utf8) + "\n").write(toFile: trees, atomically: true, encoding: .utf8)
        #expect(try ContentDigest.of(files: ContentMapping.modelFiles(in: dir.file("model"))) != before)
    }
}
