import Foundation
import Inversion
import RasterIO
import TileEngine

extension MethodRun {
    /// Each sample's product: the mosaic's source band at its pixel (1-based catalogue index; 0: none).
    static func sampleProducts(_ set: SampleSet, source: String) throws -> [Int] {
        let raster = try Raster.open(source)
        return try set.rows.map { row in
            Int(try raster.read(Window(x: row.column, y: row.row, width: 1, height: 1), bands: [1], as: UInt16.self)[0])
        }
    }

    /// `model_scope: product`: the map kernel of each product's own model (saved in the run's
    /// `model.products/<product>`), by source value; empty without product models.
    func productModelKernels(_ trained: ModelTraining.Result, folder: RunFolder, region: RegionInput?, scene: String,
                             covariates: CovariateSettings, input: SceneInput) throws -> [Int: any TileKernel] {
        guard let scope = trained.productModels, let region else { return [:] }
        var kernels: [Int: any TileKernel] = [:]
        for product in scope.products where product.fitted != nil {
            let name = region.catalogue.entries[product.source - 1].name
            let modelFolder = (folder.file(.productModels) as NSString).appendingPathComponent(name)
            kernels[product.source] = try ContentMapping.mapKernel(modelFolder: modelFolder, scenes: [scene], covariates: covariates,
                                                                   mcDropout: configuration.model.mcDropout, seed: configuration.model.seed,
                                                                   input: input, threads: engine.threads).kernel
        }
        return kernels
    }
}
