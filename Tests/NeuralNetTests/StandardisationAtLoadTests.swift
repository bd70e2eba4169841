import Foundation
import Testing
import TestSupport
@testable import NeuralNet

/// A model whose standardisation divides by zero (a band all nodata in training) maps every pixel
/// to nodata; it is refused at load, naming model.json (issue 14, item 7).
@Suite("Standardisation checked at model load")
struct StandardisationAtLoadTests {
    static func save(_ standardisation: Standardisation, in dir: TemporaryDirectory) throws -> String {
        let model = try Model(preset: .paper, network: try NetworkPreset.paper.network(seed: 3), inputLayout: .replicatedRows(rows: 4),
                              bands: BandDescriptor.gf2, standardisation: standardisation, target: .re2o3)
        let folder = dir.file("model")
        try model.save(to: folder)
        return folder
    }

    static let usable = Standardisation(inputMeans: [0.08, 0.1, 0.12, 0.3], inputStandardDeviations: [0.01, 0.02, 0.02, 0.05],
                                        targetMean: 2.9, targetStandardDeviation: 1.2)

    /// JSON holds no NaN or infinity, so what a file can bring is a zero or negative spread.
    @Test(arguments: [
        (2, Float(0), "standardisation.inputStandardDeviations[2] is 0.0, not a positive number"),
        (0, Float(-0.5), "standardisation.inputStandardDeviations[0] is -0.5, not a positive number"),
    ])
    func aBandWithoutSpreadIsRefusedNamingTheFile(band: Int, value: Float, message: String) throws {
        let dir = try TemporaryDirectory()
        var standardisation = Self.usable
        standardisation.inputStandardDeviations[band] = value
        let folder = try Self.save(standardisation, in: dir)
        let error = try #require(throws: ModelFileError.self) { try Model.load(from: folder) }
        #expect(error.file == dir.file("model/model.json"))
        #expect(error.problem.hasPrefix(message), "\(error)")
    }

    @Test func aZeroTargetSpreadIsRefusedAndAUsableModelLoads() throws {
        let dir = try TemporaryDirectory()
        var standardisation = Self.usable
        _ = try Model.load(from: try Self.save(standardisation, in: dir))
        standardisation.targetStandardDeviation = 0
        let error = try #require(throws: ModelFileError.self) { try Model.load(from: try Self.save(standardisation, in: dir)) }
        #expect(error.problem.hasPrefix("standardisation.targetStandardDeviation is 0.0"), "\(error)")
    }
}
