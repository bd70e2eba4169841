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
        let (catalogue, inputs) = try regionCatalogue(scenes, readProducts: true)
        let priority: MosaicPriority
        do { priority = try MosaicPriority(keys: c.mosaicPriority, targetDate: c.targetDate) } catch let error as InversionError {
            throw ConfigurationError(file: loaded.file, key: "priority", error.description)
        }
        var mosaic = ProductMosaic(catalogue: catalogue, orthorectification: orthorectification, priority: priority, feather: c.feather,
                                   cloudReflectance: c.cloudReflectance, normalise: c.normalise, darkObjectSubtraction: c.dos)
        let plan = try mosaic.plan(threads: engine.threads)
        if readsProductViews {
            let views = productViews(plan)
            for view in views { try view.check() }
            mosaic.viewsMadeAlready = true
        }
        return RegionInput(catalogue: catalogue, mosaic: mosaic, plan: plan, inputs: inputs)
    }

    /// `scenes:` read as a catalogue, with the files it was read from (the products, then the list or
    /// STAC file naming them); `readProducts`: every product located and its XML read.
    func regionCatalogue(_ scenes: RunConfiguration.Scenes, readProducts: Bool) throws -> (catalogue: ProductCatalogue, inputs: [String]) {
        let catalogue: ProductCatalogue
        var listFile: String?
        do {
            switch scenes {
            case .paths(let paths):
                catalogue = try ProductCatalogue.load(paths: paths, relativeTo: loaded.base, origin: "scenes", readProducts: readProducts)
            case .catalogue(let text):
                catalogue = try ProductCatalogue.load(text, relativeTo: loaded.base, readProducts: readProducts)
                if text.hasPrefix("@") || text.lowercased().hasSuffix(".json") { listFile = loaded.resolve(text.hasPrefix("@") ? String(text.dropFirst()) : text) }
            }
        } catch let error as InversionError {
            throw ConfigurationError(file: loaded.file, key: "scenes", error.description)
        }
        return (catalogue, catalogue.entries.map(\.path) + (listFile.map { [$0] } ?? []))
    }

    /// The configuration's orthorectification settings, its DEM path resolved like the other inputs.
    var resolvedOrthorectification: OrthorectificationSettings? {
        var orthorectification = configuration.orthorectification
        orthorectification?.dem = loaded.resolve(configuration.orthorectification?.dem)
        return orthorectification
    }

    /// Each product's view in the run folder (`mosaic.products/K.tif`), in catalogue order.
    func productViews(_ plan: ProductMosaic.Plan) -> [ProductView] {
        ProductMosaic.views(plan, mosaic: RunFolder(path: configuration.out).file(.mosaic))
    }

    /// The region's products (`scenes:`) read, checked and planned as the run plans them, with the
    /// run's own checks before anything is written (samples, their CRS, no output among the inputs,
    /// the product views included): a stage or `--slurm` refuses what the region stage would.
    func plannedRegion() throws -> RegionInput {
        guard let samples = loaded.resolve(configuration.samples) else { throw ConfigurationError(key: "samples", "missing") }
        let orthorectification = resolvedOrthorectification
        let region = try regionInput(try regionScenes(), orthorectification: orthorectification ?? OrthorectificationSettings())
        _ = try checkInputsAndOutputs(samples: samples, scene: nil, region: region, orthorectification: orthorectification, panchromatic: [],
                                      extraOutputs: [(RegionGraphPlan.path(runFolder: configuration.out), .file)])
        return region
    }

    /// The configuration's `scenes:`, refused when absent: a run in stages or on Slurm is a region's.
    public func regionScenes() throws -> RunConfiguration.Scenes {
        guard let scenes = configuration.scenes else {
            throw ConfigurationError(file: loaded.file, key: "scenes", "missing: a run in stages or on Slurm is a region's (`scenes:`); one scene runs in one process")
        }
        return scenes
    }

    /// The region's products read, checked and planned as a run plans them, and what the product
    /// tasks need of that plan written into the run folder (`RegionGraphPlan`): the job graph's first
    /// step (`run --slurm`). The product names in catalogue order (product K is array task K).
    public func writeRegionGraphPlan() throws -> [String] {
        let region = try plannedRegion()
        try RegionGraphPlan(crs: region.plan.grid.crs, products: region.catalogue.entries.map(\.path), files: region.inputs)
            .write(runFolder: configuration.out)
        return region.catalogue.entries.map(\.name)
    }

    /// The first stage of a region run's job graph for product `task` (0-based catalogue position):
    /// its view written into the run folder (`ProductView`), or left as it is when made already from
    /// the same inputs. Array tasks run side by side, each writing its own file under its own lock.
    /// With the graph's plan in the run folder (`run --slurm` wrote it) the task reads its own product
    /// alone; without it, it plans the whole region as the run does.
    public func writeProductView(task: Int) throws -> (view: ProductView, outcome: ProductView.Outcome) {
        let view: ProductView
        if let stored = try RegionGraphPlan.load(runFolder: configuration.out) {
            view = try plannedProductView(task: task, stored: stored)
        } else {
            let views = productViews(try plannedRegion().plan)
            guard views.indices.contains(task) else { throw Self.noTask(task, of: views.count, file: loaded.file) }
            view = views[task]
        }
        return (view, try view.write(engine: engine))
    }

    /// Product `task`'s view from the graph's stored plan: the catalogue listed without reading the
    /// products, checked against the plan, and this product alone located and orthorectified onto the
    /// plan's CRS.
    private func plannedProductView(task: Int, stored: RegionGraphPlan) throws -> ProductView {
        let (catalogue, inputs) = try regionCatalogue(try regionScenes(), readProducts: false)
        try stored.check(products: catalogue.entries.map(\.path), files: inputs, runFolder: configuration.out)
        guard catalogue.entries.indices.contains(task) else { throw Self.noTask(task, of: catalogue.entries.count, file: loaded.file) }
        let orthorectification = resolvedOrthorectification ?? OrthorectificationSettings()
        let entry: ProductCatalogue.Entry
        do { entry = try catalogue.entries[task].read() } catch let error as InversionError {
            throw ConfigurationError(file: loaded.file, key: "scenes", error.description)
        }
        let crs: SpatialReference
        do { crs = try SpatialReference(stored.crs) } catch {
            throw RasterError(RegionGraphPlan.path(runFolder: configuration.out), .mismatch, "its CRS is not one GDAL knows; resubmit the graph (regolith run … --slurm)")
        }
        let view = ProductView(index: task, name: entry.name, orthorectification: try ProductMosaic.orthorectification(of: entry, settings: orthorectification, crs: crs),
                               mosaic: RunFolder(path: configuration.out).file(.mosaic))
        try OutputPaths.check(outputs: [(configuration.out, .folder), (view.path, .file)],
                              inputs: inputs + orthorectification.inputs + (loaded.file.map { [$0] } ?? []))
        return view
    }

    private static func noTask(_ task: Int, of products: Int, file: String?) -> ConfigurationError {
        ConfigurationError(file: file, key: "scenes", "has \(products) products (tasks 0 to \(products - 1)), no task \(task)")
    }
}
