import Foundation
import Inversion
import NeuralNet

/// The output folder of a `regolith run` and the files in it.
public struct RunFolder: Sendable {
    public enum Entry: String, CaseIterable, Sendable {
        /// The scene orthorectified (and pan-sharpened) from sensor geometry, DNs kept: written only
        /// when the configuration asks for it (`dem`, `height`, `t_srs`, `res`, `pansharpen`).
        case orthorectifiedScene = "scene-ortho.tif"
        /// A region run's (`scenes:`) mosaic of its products (TOA reflectance) and its source band.
        case mosaic = "mosaic.tif"
        case mosaicSource = "mosaic.source.tif"
        case sampleSet = "sampleset.csv"
        case model = "model"
        /// `model_scope: product`: each product's own model folder, named after the product.
        case productModels = "model.products"
        case content = "content.tif"
        case contentInterval = "content-interval.tif"
        case contentRange = "content-range.tif"
        case geochemicalMap = "geochem.tif"
        case geochemicalVariance = "geochem-variance.tif"
        case anomalyAreas = "anomalies.gpkg"
        case anomalyRanks = "anomaly-ranks.tif"
        case contentStyle = "content.qml"
        case geochemicalMapStyle = "geochem.qml"
        case anomalyAreasStyle = "anomalies.qml"
        case reportData = "report.json"
        case reportPage = "report.html"

        /// The name the report's output table gives it (nil: not listed there).
        var title: String? {
            switch self {
            case .orthorectifiedScene: "orthorectified scene (DN)"
            case .mosaic: "region mosaic (TOA reflectance)"
            case .mosaicSource: "region mosaic's source product per pixel"
            case .sampleSet: "sample set"
            case .model: "model"
            case .productModels: "each product's own model (model_scope: product)"
            case .content: "content map"
            case .contentInterval: "content prediction interval (lower, upper, width)"
            case .contentRange: "content outside the training range"
            case .geochemicalMap: "geochemical map"
            case .geochemicalVariance: "kriging variance"
            case .anomalyAreas: "anomaly areas"
            case .anomalyRanks: "anomaly ranks"
            case .contentStyle: "content map style (QGIS)"
            case .geochemicalMapStyle: "geochemical map style (QGIS)"
            case .anomalyAreasStyle: "anomaly areas style (QGIS)"
            case .reportData: "report data"
            case .reportPage: nil
            }
        }
    }

    public let path: String

    public func file(_ entry: Entry) -> String { file(entry.rawValue) }
    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    func create() throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw InversionError("\(path): cannot create the output folder (\(error.localizedDescription))")
        }
    }

    /// The report's table of outputs, relative to the folder.
    var outputs: [String: String] {
        Dictionary(uniqueKeysWithValues: Entry.allCases.filter { FileManager.default.fileExists(atPath: file($0)) }.compactMap { entry in
            entry.title.map { ($0, entry == .model ? "model/\(Model.specificationFile)" : entry == .productModels ? entry.rawValue + "/" : entry.rawValue) }
        })
    }
}
