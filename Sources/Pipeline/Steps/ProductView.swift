import Foundation
import RasterIO
import TileEngine

/// One product of a region mosaic orthorectified into a file beside the mosaic
/// (`mosaic.products/<K>.tif`, K its 0-based position in the catalogue), from which the mosaic is
/// made: the first stage of a region run's job graph, one array task per product; in one process,
/// each product in turn before the mosaic. The file holds the product's warped DNs (calibration
/// stays in the mosaic) on the product's own grid, which lies on the region grid at a whole-pixel
/// offset; its tiles start at the view's origin, as the warper's blocks do. It is written through the engine (atomic,
/// journalled: a killed task resumes, and only from the same product and DEM) and records what it was
/// made from, so the mosaic stage refuses a view that is missing or made from other inputs.
public struct ProductView: Sendable {
    /// The view's metadata item saying what it was made from (`identity`).
    public static let identityKey = "REGOLITH_PRODUCT_VIEW"

    /// The product's 0-based position in the catalogue (its array task).
    public let index: Int
    /// The product's name (CRESDA's).
    public let name: String
    /// How it is orthorectified onto the region's CRS and pixel size, and its grid there.
    public let orthorectification: Orthorectification
    public let path: String

    /// `mosaic`: the mosaic the view is made for (its folder of views: `ProductMosaic.viewFolder`).
    public init(index: Int, name: String, orthorectification: Orthorectification, mosaic: String) {
        self.index = index
        self.name = name
        self.orthorectification = orthorectification
        path = Self.path(index: index, mosaic: mosaic)
    }

    public init(index: Int, product: ProductMosaic.Product, mosaic: String) {
        self.init(index: index, name: product.entry.name, orthorectification: product.orthorectification, mosaic: mosaic)
    }

    public static func path(index: Int, mosaic: String) -> String {
        (ProductMosaic.viewFolder(for: mosaic) as NSString).appendingPathComponent("\(index).tif")
    }

    /// What the view's pixels depend on: the product's image and the DEM (path, size, modification
    /// time, as a resumed run knows its inputs), how it is orthorectified and onto which grid.
    public var identity: String {
        let ortho = orthorectification
        let files = ([("image", ortho.source)] + ortho.auxiliaryFiles).map { role, file in
            let status = VirtualFile.status(file)
            return "\(role) \(VirtualFile.standardized(file)) (\(status.map { "\($0.bytes) bytes, modified \($0.modified)" } ?? "missing"))"
        }
        return "product \(index + 1) \(name): " + files.joined(separator: ", ") + "; \(ortho); grid \(ortho.geoTransform.coefficients) \(ortho.width) × \(ortho.height)"
    }

    public enum Outcome: Sendable {
        /// Written now (or finished from a partial one a killed task left).
        case written(SceneOrthorectification.Summary)
        /// There already, made from the same inputs: nothing done.
        case unchanged
    }

    /// Writes the view unless it is there already from the same inputs (a rerun task skips it).
    public func write(engine: EngineOptions, progress: ProgressReporter? = nil) throws -> Outcome {
        if !engine.restart, (try? check()) != nil { return .unchanged }
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw RasterError(folder, .notWritable, "cannot create the folder of the product views (\(error.localizedDescription))")
        }
        let summary = try SceneOrthorectification(orthorectification, recording: [(Self.identityKey, identity)]).run(out: path, engine: engine, progress: progress)
        return .written(summary)
    }

    /// Refuses, in one line naming the file, a view that is missing or was made from other inputs
    /// or onto another grid than this product's now.
    public func check() throws {
        let task = "run the product stage for it (regolith run … --stage product --task \(index), or resubmit array task \(index))"
        guard FileManager.default.fileExists(atPath: path) else {
            let partial = (try? AtomicOutputPath(path)).map { FileManager.default.fileExists(atPath: $0.temporaryPath) } ?? false
            throw RasterError(path, .notFound, "missing: product \(index + 1) (\(name)) has not been orthorectified"
                              + (partial ? " (its task was interrupted; a partial view is there)" : "") + "; \(task)")
        }
        let raster = try Raster.open(path)
        let ortho = orthorectification
        guard let recorded = raster.metadataItem(Self.identityKey) else {
            throw RasterError(path, .mismatch, "is not a product view of this run (no \(Self.identityKey)); remove it and \(task)")
        }
        guard recorded == identity else {
            throw RasterError(path, .mismatch, "was made from other inputs than product \(index + 1) now (then: \(recorded); now: \(identity)); \(task)")
        }
        guard raster.width == ortho.width, raster.height == ortho.height, raster.geoTransform == ortho.geoTransform else {
            throw RasterError(path, .mismatch, "is \(raster.width) × \(raster.height) at \(raster.geoTransform?.coefficients ?? []), not product \(index + 1)'s grid; \(task)")
        }
    }
}
