import CGDAL
import Foundation

/// A sensor-geometry scene (an L1A raster with an RPC model, e.g. from an `.rpb` beside it) seen
/// on a map grid through GDAL's warper: `gdalwarp -rpc -to RPC_DEM=… -t_srs … -tr r r -tap -r …`
/// made as a warped VRT, which computes each block it is asked for. Nothing is written to disk.
///
/// The grid is the one gdalwarp chooses for those options, so a product orthorectified here and
/// by gdalwarp lands on the same pixels, and several products share one pixel-aligned grid.
public struct Orthorectification: Sendable, CustomStringConvertible {
    public enum Resampling: String, CaseIterable, Sendable, Codable {
        case nearest, bilinear, cubic

        /// gdalwarp's name for it (`-r`).
        public var gdalName: String { self == .nearest ? "near" : rawValue }
    }

    /// The terrain heights the RPC model is evaluated at.
    public enum Elevation: Sendable, Equatable {
        /// A DEM in any CRS and resolution (GDAL resamples it bilinearly), heights in metres.
        case dem(path: String)
        /// One height for the whole scene, in metres; `fromRPC` when it is the RPC's HEIGHT_OFF.
        case constant(metres: Double, fromRPC: Bool)
    }

    /// The grids GF-2 PMS products are orthorectified onto, in metres: 4 for the multispectral
    /// scene (3.2 m at nadir), 1 for the panchromatic one (0.8 m).
    public static let multispectralResolution = 4.0
    public static let panchromaticResolution = 1.0

    /// The GF-2 grid for a scene whose pixels cover `groundSampleDistance` metres.
    public static func defaultResolution(groundSampleDistance: Double) -> Double {
        groundSampleDistance < 2 ? panchromaticResolution : multispectralResolution
    }

    public let source: String
    public let elevation: Elevation
    public let targetCRS: SpatialReference
    /// Pixel size in the target CRS's units.
    public let resolution: Double
    public let resampling: Resampling
    /// gdalwarp's `-et`: how far (in pixels) GDAL may interpolate the transformation instead of
    /// computing it. 0 by default (exact, as gdalwarp is with a DEM), so that no pixel depends on
    /// how the warper splits the work.
    public let errorThreshold: Double
    /// The scene's outline in WGS 84 longitude/latitude at the RPC's height offset.
    public let footprint: MapExtent
    /// The scene's edge itself, a ring of longitude/latitude points (the image's top edge from its
    /// first column, then its right, bottom and left edges; 8 steps each) at the same height: where
    /// its data lies on the ground, for maps of a region's products.
    public let outline: [(x: Double, y: Double)]
    public let width: Int
    public let height: Int
    public let geoTransform: GeoTransform

    /// Checks the scene's RPC and the DEM's coverage, and fixes the target grid.
    /// - Parameters:
    ///   - dem: a DEM GDAL can read, in any CRS; nil: a constant height.
    ///   - height: the constant height without a DEM (default: the RPC's HEIGHT_OFF).
    ///   - targetCRS: default: the WGS 84 UTM zone of the scene's centre.
    ///   - resolution: in the target CRS's units; default for a CRS in metres: 4, or 1 for a scene
    ///     whose pixels are under 2 m (a panchromatic one), `defaultResolution(groundSampleDistance:)`.
    public init(source: String, dem: String? = nil, height constantHeight: Double? = nil, targetCRS: SpatialReference? = nil,
                resolution: Double? = nil, resampling: Resampling = .bilinear, errorThreshold: Double = 0) throws {
        if dem != nil && constantHeight != nil {
            throw RasterError(source, .invalidArgument, "give a DEM or a constant height, not both")
        }
        let scene = try Raster.open(source)
        let rpc = Dictionary(scene.metadata(domain: "RPC"), uniquingKeysWith: { first, _ in first })
        guard !rpc.isEmpty else {
            if let crs = scene.spatialReference, scene.geoTransform != nil {
                throw RasterError(source, .unsupported, "has no RPC model (no .rpb beside it, no RPC tags); it is already map-projected (\(crs.name)), use it as it is")
            }
            throw RasterError(source, .unsupported, "has no RPC model (no .rpb beside it, no RPC tags), so it cannot be orthorectified")
        }
        guard let heightOffset = rpc["HEIGHT_OFF"].flatMap(Double.init) else {
            throw RasterError(source, .unsupported, "its RPC model has no HEIGHT_OFF")
        }
        self.source = source
        let edge = try Self.edge(of: scene, height: constantHeight ?? heightOffset)
        self.footprint = MapExtent(minX: edge.map(\.x).min()!, minY: edge.map(\.y).min()!, maxX: edge.map(\.x).max()!, maxY: edge.map(\.y).max()!)
        self.outline = edge
        if let dem {
            try Self.checkCoverage(dem: dem, edge: edge, scene: source)
            elevation = .dem(path: dem)
        } else {
            elevation = .constant(metres: constantHeight ?? heightOffset, fromRPC: constantHeight == nil)
        }
        let crs = try targetCRS ?? SpatialReference.utm(longitude: (footprint.minX + footprint.maxX) / 2,
                                                        latitude: (footprint.minY + footprint.maxY) / 2)
        guard resolution != nil || !crs.isGeographic else {
            throw RasterError(source, .invalidArgument, "the target CRS \(crs.name) is in \(crs.unitName)s; give the resolution in them")
        }
        let resolution = resolution ?? Self.defaultResolution(groundSampleDistance: Self.groundSampleDistance(footprint: footprint, scene: scene))
        guard resolution > 0, resolution.isFinite else {
            throw RasterError(source, .invalidArgument, "the resolution must be positive, not \(resolution)")
        }
        self.targetCRS = crs
        self.resolution = resolution
        self.resampling = resampling
        self.errorThreshold = errorThreshold
        // The grid is what gdalwarp makes of these options; the first warped view says which.
        let view = try Raster.warped(source, arguments: Self.arguments(elevation: elevation, crs: crs, resolution: resolution,
                                                                           resampling: resampling, errorThreshold: errorThreshold),
                                  failure: "cannot be orthorectified")
        guard let transform = view.geoTransform else {
            throw RasterError(source, .unsupported, "GDAL made no map grid for it")
        }
        width = view.width
        height = view.height
        geoTransform = transform
    }

    /// gdalwarp's arguments for this orthorectification (without the input and output).
    public var gdalwarpArguments: [String] {
        Self.arguments(elevation: elevation, crs: targetCRS, resolution: resolution, resampling: resampling, errorThreshold: errorThreshold)
    }

    /// A new warped view of the scene, for one thread: its own handles on the scene and the DEM.
    /// (Opening a saved warped VRT would not do: GDAL opens its source in shared mode, so two views
    /// opened by one thread would read through one handle.)
    public func open() throws -> Raster {
        let raster = try Raster.warped(source, arguments: gdalwarpArguments, failure: "cannot be orthorectified")
        guard raster.width == width, raster.height == height, raster.geoTransform == geoTransform else {
            throw RasterError(source, .mismatch, "changed while it was being orthorectified")
        }
        return raster
    }

    /// The engine's view of the orthorectified scene.
    public var rasterSource: RasterSource {
        RasterSource(path: source, derivation: description, metadata: metadata, auxiliaryFiles: auxiliaryFiles) { try open() }
    }

    /// The DEM, if heights come from one.
    public var auxiliaryFiles: [(role: String, path: String)] {
        if case .dem(let path) = elevation { return [("DEM", path)] }
        return []
    }

    /// How the heights were chosen, e.g. "DEM dem.tif" or "constant height 300 m (the RPC's HEIGHT_OFF)".
    public var elevationDescription: String {
        switch elevation {
        case .dem(let path): return "DEM \(path)"
        case .constant(let metres, let fromRPC):
            return "constant height \(Self.format(metres)) m" + (fromRPC ? " (the RPC's HEIGHT_OFF)" : "")
        }
    }

    /// One line: "RPC orthorectification with DEM dem.tif onto WGS 84 / UTM zone 48N (EPSG:32648), 4 m, bilinear".
    public var description: String {
        "RPC orthorectification with \(elevationDescription) onto \(targetCRS), \(Self.format(resolution)) \(targetCRS.unitName == "metre" ? "m" : targetCRS.unitName), \(resampling.rawValue)"
    }

    /// What an output made from this view records about it (default-domain GeoTIFF metadata).
    public var metadata: [(key: String, value: String)] {
        var items: [(key: String, value: String)] = [
            ("ORTHO_SOURCE", source),
            ("ORTHO_METHOD", "RPC (GDAL \(GDAL.version) warper)"),
            ("ORTHO_ELEVATION", elevationDescription),
            ("ORTHO_CRS", targetCRS.description),
            ("ORTHO_RESOLUTION", Self.format(resolution)),
            ("ORTHO_RESAMPLING", resampling.rawValue),
        ]
        if errorThreshold != 0 { items.append(("ORTHO_ERROR_THRESHOLD", Self.format(errorThreshold))) }
        return items
    }

    private static func arguments(elevation: Elevation, crs: SpatialReference, resolution: Double,
                                  resampling: Resampling, errorThreshold: Double) -> [String] {
        var arguments = ["-of", "VRT", "-rpc"]
        switch elevation {
        case .dem(let path): arguments += ["-to", "RPC_DEM=\(path)"]
        case .constant(let metres, _): arguments += ["-to", "RPC_HEIGHT=\(format(metres))"]
        }
        let size = format(resolution)
        arguments += ["-t_srs", crs.wkt, "-tr", size, size, "-tap", "-r", resampling.gdalName, "-et", format(errorThreshold)]
        return arguments
    }

    /// Shortest exact text of a number ("4", "0.5", "312.25").
    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
    }

    /// The scene's edges through its RPC model at one height, in lon/lat: a ring around the image
    /// (top, right, bottom and left edge in turn, 8 steps each).
    private static func edge(of scene: Raster, height: Double) throws -> [(x: Double, y: Double)] {
        let options = GDALStringList(options: [("METHOD", "RPC"), ("RPC_HEIGHT", "\(height)")])
        GDALFailure.reset()
        guard let transformer = GDALCreateGenImgProjTransformer2(scene.handle, nil, options.pointer) else {
            throw RasterError.gdal(scene.path, .unsupported, "its RPC model cannot be used")
        }
        defer { GDALDestroyGenImgProjTransformer(transformer) }
        let steps = 8
        var xs: [Double] = [], ys: [Double] = []
        let (w, h) = (Double(scene.width), Double(scene.height))
        for side in 0..<4 {
            for step in 0..<steps {
                let f = Double(step) / Double(steps)
                let (x, y) = [(f * w, 0.0), (w, f * h), ((1 - f) * w, h), (0.0, (1 - f) * h)][side]
                xs.append(x)
                ys.append(y)
            }
        }
        var zs = [Double](repeating: 0, count: xs.count)
        var success = [Int32](repeating: 0, count: xs.count)
        _ = GDALGenImgProjTransform(transformer, 0, Int32(xs.count), &xs, &ys, &zs, &success)
        guard !success.contains(0) else {
            throw RasterError(scene.path, .unsupported, "its RPC model maps no ground point to the scene's edge")
        }
        return zip(xs, ys).map { (x: $0, y: $1) }
    }

    /// The scene's mean pixel size in metres, from its footprint's extent (a spherical Earth is
    /// close enough to tell 0.8 m pixels from 3.2 m ones).
    private static func groundSampleDistance(footprint: MapExtent, scene: Raster) -> Double {
        let metresPerDegree = 111_195.0
        let latitude = (footprint.minY + footprint.maxY) / 2 * .pi / 180
        let width = (footprint.maxX - footprint.minX) * metresPerDegree * cos(latitude)
        let height = (footprint.maxY - footprint.minY) * metresPerDegree
        return (width * height / Double(scene.width * scene.height)).squareRoot()
    }

    /// GDAL's warper fills pixels without a DEM height with nodata and says nothing, so the DEM
    /// must cover the footprint, compared in the DEM's own CRS. The footprint's edge points are
    /// transformed themselves, not their lon/lat box: a box's corners, turned by the grid
    /// convergence of a map projection (0.8° at 107° E in UTM 48N), would ask for hundreds of metres
    /// more DEM than the scene needs.
    private static func checkCoverage(dem path: String, edge: [(x: Double, y: Double)], scene: String) throws {
        let dem = try Raster.open(path)
        guard let crs = dem.spatialReference, let extent = dem.extent else {
            throw RasterError(path, .unsupported, "the DEM has no georeferencing (CRS and geotransform)")
        }
        let transformer = try CoordinateTransformer(from: .wgs84, to: crs)
        let points = try transformer.transform(edge)
        let needed = MapExtent(minX: points.map(\.x).min()!, minY: points.map(\.y).min()!,
                               maxX: points.map(\.x).max()!, maxY: points.map(\.y).max()!)
        func text(_ value: Double) -> String { String(format: "%.10g", value) }
        var uncovered: [String] = []
        if needed.minX < extent.minX { uncovered.append("x \(text(needed.minX)) to \(text(extent.minX)) (west)") }
        if needed.maxX > extent.maxX { uncovered.append("x \(text(extent.maxX)) to \(text(needed.maxX)) (east)") }
        if needed.minY < extent.minY { uncovered.append("y \(text(needed.minY)) to \(text(extent.minY)) (south)") }
        if needed.maxY > extent.maxY { uncovered.append("y \(text(extent.maxY)) to \(text(needed.maxY)) (north)") }
        guard uncovered.isEmpty else {
            throw RasterError(path, .mismatch, "the DEM does not cover the scene \(scene): uncovered in the DEM's CRS (\(crs.name)) \(uncovered.joined(separator: ", ")); the scene needs x \(text(needed.minX)) to \(text(needed.maxX)), y \(text(needed.minY)) to \(text(needed.maxY))")
        }
    }
}
