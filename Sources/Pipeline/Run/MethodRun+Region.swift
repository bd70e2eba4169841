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
        var mosaic = ProductMosaic(catalogue: catalogue, orthorectification: orthorectification, priority: priority, feather: c.feather,
                                   cloudReflectance: c.cloudReflectance, normalise: c.normalise)
        let plan = try mosaic.plan(threads: engine.threads)
        if readsProductViews {
            let views = productViews(plan)
            for view in views { try view.check() }
            mosaic.views = views.map(\.path)
        }
        return RegionInput(catalogue: catalogue, mosaic: mosaic, plan: plan,
                           inputs: catalogue.entries.map(\.path) + (listFile.map { [$0] } ?? []))
    }

    /// The configuration's orthorectification settings, its DEM path resolved like the other inputs.
    var resolvedOrthorectification: OrthorectificationSettings? {
        var orthorectification = configuration.orthorectification
        orthorectification?.dem = loaded.resolve(configuration.orthorectification?.dem)
        return orthorectification
    }

    /// Each product's view in the run folder, in catalogue order.
    func productViews(_ plan: ProductMosaic.Plan) -> [ProductView] {
        plan.products.enumerated().map { ProductView(index: $0, product: $1, runFolder: configuration.out) }
    }

    /// The region's products (`scenes:`) read, checked and planned as the run plans them, with the
    /// run's own checks before anything is written (samples, their CRS, no output among the inputs,
    /// the product views included): a stage or `--slurm` refuses what the region stage would.
    func plannedRegion() throws -> RegionInput {
        guard let samples = loaded.resolve(configuration.samples) else { throw ConfigurationError(key: "samples", "missing") }
        let orthorectification = resolvedOrthorectification
        let region = try regionInput(try regionScenes(), orthorectification: orthorectification ?? OrthorectificationSettings())
        _ = try checkInputsAndOutputs(samples: samples, scene: nil, region: region, orthorectification: orthorectification, panchromatic: [],
                                      extraOutputs: productViews(region.plan).map { ($0.path, .file) })
        return region
    }

    /// The configuration's `scenes:`, refused when absent: a run in stages or on Slurm is a region's.
    public func regionScenes() throws -> RunConfiguration.Scenes {
        guard let scenes = configuration.scenes else {
            throw ConfigurationError(file: loaded.file, key: "scenes", "missing: a run in stages or on Slurm is a region's (`scenes:`); one scene runs in one process")
        }
        return scenes
    }

    /// The region's product names in catalogue order (product K is array task K), checked as a run checks them.
    public func regionProductNames() throws -> [String] {
        try plannedRegion().catalogue.entries.map(\.name)
    }

    /// The first stage of a region run's job graph for product `task` (0-based catalogue position):
    /// its view written into the run folder (`ProductView`), or left as it is when made already from
    /// the same inputs. Array tasks run side by side, each writing its own file under its own lock.
    public func writeProductView(task: Int) throws -> (view: ProductView, outcome: ProductView.Outcome) {
        let region = try plannedRegion()
        let views = productViews(region.plan)
        guard views.indices.contains(task) else {
            throw ConfigurationError(file: loaded.file, key: "scenes", "has \(views.count) products (tasks 0 to \(views.count - 1)), no task \(task)")
        }
        return (views[task], try views[task].write(engine: engine))
    }
}
