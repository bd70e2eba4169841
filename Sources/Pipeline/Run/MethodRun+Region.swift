import Foundation
import Inversion
import RasterIO

extension MethodRun {
    /// A region run's products and their mosaic, planned (every product orthorectified, calibrated and
    /// placed on the region grid) before anything is written.
    struct RegionInput {
        var catalogue: ProductCatalogue
        var mosaic: ProductMosaic
        var plan: ProductMosaic.Plan
        /// The files the run reads for them: the products and the list or STAC file naming them.
        var inputs: [String]
    }

    /// `scenes:` read and checked: an empty list or catalogue, a missing or repeated product is
    /// refused in one line naming the key.
    func regionInput(_ scenes: RunConfiguration.Scenes, orthorectification: OrthorectificationSettings) throws -> RegionInput {
        let c = configuration
        let catalogue: ProductCatalogue
        var listFile: String?
        do {
            switch scenes {
            case .paths(let paths):
                catalogue = try ProductCatalogue.load(paths: paths, relativeTo: loaded.base, origin: "scenes")
            case .catalogue(let text):
                catalogue = try ProductCatalogue.load(text, relativeTo: loaded.base)
                if text.hasPrefix("@") || text.lowercased().hasSuffix(".json") { listFile = loaded.resolve(text.hasPrefix("@") ? String(text.dropFirst()) : text) }
            }
        } catch let error as InversionError {
            throw ConfigurationError(file: loaded.file, key: "scenes", error.description)
        }
        let priority: MosaicPriority
        do { priority = try MosaicPriority(keys: c.mosaicPriority, targetDate: c.targetDate) } catch let error as InversionError {
            throw ConfigurationError(file: loaded.file, key: "priority", error.description)
        }
        let mosaic = ProductMosaic(catalogue: catalogue, orthorectification: orthorectification, priority: priority, feather: c.feather,
                                   cloudReflectance: c.cloudReflectance, normalise: c.normalise)
        return RegionInput(catalogue: catalogue, mosaic: mosaic, plan: try mosaic.plan(threads: engine.threads),
                           inputs: catalogue.entries.map(\.path) + (listFile.map { [$0] } ?? []))
    }
}
