import Foundation
import Inversion
import RasterIO

/// What `run --slurm` settled when it planned a region's whole job graph, kept in the run folder
/// (`slurm/region-plan.json`) so that each product task plans its own product alone: the region's
/// CRS (from every product's footprint unless `t_srs` gives it) and the files it was planned from
/// (the products in catalogue order, the list or STAC file), with their sizes and modification times.
/// Without it each of N array tasks would locate and read all N products — a `.tar.gz` is
/// decompressed to be listed — N² reads for a province. A task refuses a plan whose files changed
/// since (the graph is resubmitted); the region stage still plans everything and checks every view.
public struct RegionGraphPlan: Codable, Sendable, Equatable {
    public static let currentFormat = "regolith-region-graph-plan/1"

    public var format: String
    /// The region's CRS, as WKT.
    public var crs: String
    /// The products as listed, in catalogue order (array task K is product K).
    public var products: [String]
    /// Every file the region was planned from, as it was then.
    public var files: [File]

    public struct File: Codable, Sendable, Equatable {
        public var path: String
        public var bytes: Int
        public var modified: Double
    }

    /// The plan of a region's products and the files they were listed and read from.
    public init(crs: SpatialReference, products: [String], files: [String]) throws {
        format = Self.currentFormat
        self.crs = crs.wkt
        self.products = products
        self.files = try files.map { path in
            guard let status = VirtualFile.status(path) else { throw RasterError(path, .notFound, "missing: the region's products were planned from it") }
            return File(path: path, bytes: status.bytes, modified: status.modified)
        }
    }

    public static func path(runFolder: String) -> String {
        ((runFolder as NSString).appendingPathComponent("slurm") as NSString).appendingPathComponent("region-plan.json")
    }

    /// The run folder's plan; nil when there is none (stages run by hand plan the whole region).
    public static func load(runFolder: String) throws -> RegionGraphPlan? {
        let path = path(runFolder: runFolder)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else { throw RasterError(path, .unreadable, "cannot be read") }
        let plan: RegionGraphPlan
        do { plan = try JSONDecoder().decode(RegionGraphPlan.self, from: data) } catch {
            throw RasterError(path, .mismatch, "is not a region graph plan (\(error.localizedDescription)); resubmit the graph (regolith run … --slurm)")
        }
        guard plan.format == currentFormat else {
            throw RasterError(path, .mismatch, "is a plan of format \(plan.format), not \(currentFormat); resubmit the graph (regolith run … --slurm)")
        }
        return plan
    }

    public func write(runFolder: String) throws {
        let path = Self.path(runFolder: runFolder)
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        } catch {
            throw RasterError(path, .notWritable, "cannot create its folder (\(error.localizedDescription))")
        }
        try AtomicTextFile.writeJSON(self, to: path)
    }

    /// Refuses, in one line naming the plan, a catalogue that lists other products than the plan's,
    /// or a file that changed since the plan was made.
    public func check(products listed: [String], files: [String], runFolder: String) throws {
        let path = Self.path(runFolder: runFolder)
        let resubmit = "resubmit the graph (regolith run … --slurm)"
        guard listed == products else {
            let first = zip(listed, products).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(listed.count, products.count)
            throw RasterError(path, .mismatch, "the configuration lists \(listed.count) products, the graph was planned for \(products.count)"
                              + " (the first difference at product \(first + 1)); \(resubmit)")
        }
        guard files.map(VirtualFile.standardized) == self.files.map({ VirtualFile.standardized($0.path) }) else {
            throw RasterError(path, .mismatch, "the products are listed from other files than when the graph was planned; \(resubmit)")
        }
        for file in self.files {
            guard let status = VirtualFile.status(file.path) else {
                throw RasterError(path, .mismatch, "\(file.path) is gone since the graph was planned; \(resubmit)")
            }
            guard status.bytes == file.bytes, status.modified == file.modified else {
                throw RasterError(path, .mismatch, "\(file.path) changed since the graph was planned (\(status.bytes == file.bytes ? "modified again" : "\(file.bytes) bytes then, \(status.bytes) now")); \(resubmit)")
            }
        }
    }
}
