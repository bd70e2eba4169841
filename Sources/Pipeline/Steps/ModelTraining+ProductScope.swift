import Foundation
import Inversion
import NeuralNet
import RasterIO

extension ModelTraining {
    /// `model_scope: product`: the map's method (under `arch: auto`, the candidate the region's
    /// spatial validation chose) refitted on each product's samples, and the scope scored as a whole
    /// by the same spatial blocks as the region's model.
    public struct ProductModels: Sendable {
        public struct Product: Sendable {
            /// Its value in the mosaic's source band (1-based catalogue index).
            public var source: Int
            public var samples: Int
            /// Its own model fitted on its samples, and where that model applies; nil: it keeps the region's.
            public var fitted: (any FittedRegression)?
            public var domain: ApplicabilityDomain?
            /// Why it keeps the region's model (too few samples, or its own fit failed).
            public var note: String?
        }

        /// The candidate refitted (its name in the selection's table, or the method's).
        public var method: String
        public var minimumSamples: Int
        /// Every product with at least one sample, by source value.
        public var products: [Product]
        /// Spatial-block validation of the scope: each product's model refitted in every fold.
        public var validation: ValidationResult
        /// The region's model under the same blocks, for comparison.
        public var regionValidation: ValidationResult?
    }

    /// The candidate the map's model is (`arch: auto`: the selection's winner; otherwise `arch`'s
    /// method, reading the set's features, or its network's windows).
    func mapCandidate(_ result: Result, stack: FeatureStack, set: SampleSet) throws -> ModelSelection.Candidate {
        let s = settings
        if let selection = result.selection {
            guard let winner = try candidates(stack: stack, set: set).first(where: { $0.name == selection.mapModel }) else {
                throw InversionError("model scope product: no candidate \(selection.mapModel) to refit per product")
            }
            return winner
        }
        if let name = s.arch.regressionMethod {
            return ModelSelection.Candidate(regressionMethods.first { $0.name == name }!)
        }
        let preset = s.arch.preset ?? .paper
        // As `arch`'s comparison trains it: every iteration, no early stopping.
        let network = CNNRegression(preset: preset, patchSize: s.patchSize, options: trainingOptions, bands: stack.descriptors, target: s.target)
        guard preset == .patch else { return ModelSelection.Candidate(network) }
        guard let scene = s.scene else { throw InversionError("the patch network needs the scene the sample set came from") }
        let windows = try patchWindows(stack, scene: scene, rows: set.rows)
        return ModelSelection.Candidate(network, rows: windows)
    }

    /// `result` (the region's model) with the product scope's models and validation. Each product's
    /// model is fitted on all of its samples, also when `arch` fits the region's on the paper's
    /// random split: a product's few samples are not split again, and the spatial validation scores it.
    func withProductModels(_ result: Result, scope: ProductScope, stack: FeatureStack, set: SampleSet, log: (String) -> Void) throws -> Result {
        let s = settings
        let candidate = try mapCandidate(result, stack: stack, set: set)
        let features = try candidate.featureSet(set)
        // A patch network's domain is its pixels' bands; any other model's, the features it reads.
        var scope = scope
        scope.domainFeatures = candidate.method.window > 1 ? set.features : nil
        let blocks = SpatialBlockValidation(blockSize: result.blockSize, folds: s.folds, seed: s.seed, kriging: s.kriging)
        log("scoring \(candidate.name) per product by \(blocks.scheme)")
        var validation = try blocks.run(candidate.method, on: features, scope: scope)
        validation.method = candidate.name + " per product"
        // The region's model under the same blocks: the selection's or comparison's figure when it was scored there.
        var regionValidation = result.comparison.validations.first { $0.method == candidate.name && $0.scheme == blocks.scheme }
        if regionValidation == nil {
            regionValidation = try blocks.run(candidate.method, on: features)
            regionValidation?.method = candidate.name
        }
        var products: [ProductModels.Product] = []
        for (source, productRows) in scope.rowsByProduct(among: Array(set.rows.indices)) {
            var product = ProductModels.Product(source: source, samples: productRows.count)
            if productRows.count >= scope.minimumSamples {
                log("fitting \(candidate.name) on product \(source)'s \(productRows.count) samples")
                do {
                    (product.fitted, product.domain) = try scope.fitOwn(candidate.method, rows: productRows, features: features.features,
                                                                        targets: productRows.map { set.rows[$0].kriged }, positions: set.positions(productRows))
                } catch {
                    product.note = "its own model failed (\(error)); the region's model"
                }
            } else {
                product.note = "\(productRows.count) sample(s), fewer than \(scope.minimumSamples); the region's model"
            }
            products.append(product)
        }
        var scoped = result
        scoped.productModels = ProductModels(method: candidate.name, minimumSamples: scope.minimumSamples, products: products,
                                             validation: validation, regionValidation: regionValidation)
        return scoped
    }

    /// Writes each product's own model folder into `folder` (one folder per product, named after
    /// the product), replacing what was there only once all is written; without product models,
    /// removes a folder an earlier run of the same output left, so it never outlives its map.
    public static func saveProductModels(_ result: Result, names: [Int: String], to folder: String) throws {
        guard let scope = result.productModels, scope.products.contains(where: { $0.fitted != nil }) else {
            if FileManager.default.fileExists(atPath: folder) { try FileManager.default.removeItem(atPath: folder) }
            return
        }
        try AtomicFolder.write(folder) { temporary in
            for product in scope.products {
                guard let fitted = product.fitted, let domain = product.domain else { continue }
                guard let name = names[product.source] else { throw InversionError("\(folder): no product has source value \(product.source)") }
                try ModelFolder.save(try result.model(fitted), validations: [scope.validation], domain: domain,
                                     to: (temporary as NSString).appendingPathComponent(name))
            }
        }
    }
}
