import CGDAL

/// A coordinate reference system, kept as WKT so it can travel between threads; GDAL objects are
/// made from it only for the duration of a call.
public struct SpatialReference: Hashable, Sendable, CustomStringConvertible {
    /// OGC WKT (GDAL's WKT1 export), as stored in GeoTIFF by GDAL.
    public let wkt: String

    /// Parses anything `gdalsrsinfo` accepts: `EPSG:32648`, WKT, PROJ strings.
    public init(_ definition: String) throws {
        GDAL.ensureInitialized()
        let handle = try SRSHandle(definition: definition)
        self.wkt = try handle.exportWKT(definition)
    }

    /// WGS 84 longitude/latitude, as GPS samples come.
    public static let wgs84: SpatialReference = try! SpatialReference("EPSG:4326")

    /// UTM zone of a longitude on the WGS 84 datum (EPSG:326xx north, 327xx south).
    public static func utm(longitude: Double, latitude: Double) throws -> SpatialReference {
        let zone = Int(((longitude + 180) / 6).rounded(.down)) % 60 + 1
        return try SpatialReference("EPSG:\(latitude >= 0 ? 32600 + zone : 32700 + zone)")
    }

    init(trustedWKT: String) {
        self.wkt = trustedWKT
    }

    /// The CRS name, e.g. "WGS 84 / UTM zone 48N".
    public var name: String {
        (try? SRSHandle(definition: wkt))?.name ?? "unknown"
    }

    /// The EPSG code when the CRS is (or is identified as) an EPSG one.
    public var epsg: Int? {
        (try? SRSHandle(definition: wkt))?.epsg
    }

    public var isGeographic: Bool {
        guard let handle = try? SRSHandle(definition: wkt) else { return false }
        return OSRIsGeographic(handle.handle) != 0
    }

    /// Linear unit name of a projected CRS ("metre"), or "degree" for a geographic one.
    public var unitName: String {
        guard let handle = try? SRSHandle(definition: wkt) else { return "" }
        var name: UnsafeMutablePointer<CChar>? = nil
        if OSRIsGeographic(handle.handle) != 0 {
            _ = OSRGetAngularUnits(handle.handle, &name)
        } else {
            _ = OSRGetLinearUnits(handle.handle, &name)
        }
        return name.map { String(cString: $0) } ?? ""
    }

    /// True when both describe the same CRS (GDAL's `OSRIsSame`, ignoring axis-order metadata).
    public func isSame(as other: SpatialReference) -> Bool {
        if wkt == other.wkt { return true }
        guard let a = try? SRSHandle(definition: wkt), let b = try? SRSHandle(definition: other.wkt) else {
            return false
        }
        return OSRIsSame(a.handle, b.handle) != 0
    }

    public var description: String {
        if let epsg { return "\(name) (EPSG:\(epsg))" }
        return name
    }
}

/// An owned `OGRSpatialReferenceH`, in traditional GIS axis order (x = easting or longitude).
final class SRSHandle {
    let handle: OGRSpatialReferenceH

    init(definition: String) throws {
        GDAL.ensureInitialized()
        guard let handle = OSRNewSpatialReference(nil) else {
            throw RasterError(definition, .invalidArgument, "cannot allocate a spatial reference")
        }
        GDALFailure.reset()
        guard OSRSetFromUserInput(handle, definition) == OGRERR_NONE else {
            OSRDestroySpatialReference(handle)
            throw RasterError.gdal(String(definition.prefix(60)), .invalidArgument, "not a coordinate reference system")
        }
        OSRSetAxisMappingStrategy(handle, OAMS_TRADITIONAL_GIS_ORDER)
        self.handle = handle
    }

    /// Wraps a clone of a handle GDAL owns (a dataset's CRS).
    init(cloning borrowed: OGRSpatialReferenceH) {
        handle = OSRClone(borrowed)
        OSRSetAxisMappingStrategy(handle, OAMS_TRADITIONAL_GIS_ORDER)
    }

    deinit { OSRDestroySpatialReference(handle) }

    var name: String? {
        OSRGetName(handle).map { String(cString: $0) }
    }

    var epsg: Int? {
        for target in [nil, OSRIsGeographic(handle) != 0 ? "GEOGCS" : "PROJCS"] as [String?] {
            if let authority = OSRGetAuthorityName(handle, target), String(cString: authority) == "EPSG",
               let code = OSRGetAuthorityCode(handle, target) {
                return Int(String(cString: code))
            }
        }
        // Not labelled: ask GDAL to recognise it, on a copy so the stored WKT stays as read.
        let copy = OSRClone(handle)
        defer { OSRDestroySpatialReference(copy) }
        guard OSRAutoIdentifyEPSG(copy) == OGRERR_NONE,
              let code = OSRGetAuthorityCode(copy, nil) else { return nil }
        return Int(String(cString: code))
    }

    func exportWKT(_ label: String) throws -> String {
        var text: UnsafeMutablePointer<CChar>? = nil
        guard OSRExportToWkt(handle, &text) == OGRERR_NONE, let text else {
            throw RasterError.gdal(label, .invalidArgument, "cannot express the CRS as WKT")
        }
        defer { VSIFree(text) }
        return String(cString: text)
    }
}

/// Transforms points between two CRSs, both in traditional GIS order (longitude, latitude for
/// EPSG:4326). Holds a GDAL object, so use one per thread.
public final class CoordinateTransformer {
    private let transformation: OGRCoordinateTransformationH
    public let source: SpatialReference
    public let target: SpatialReference

    public init(from source: SpatialReference, to target: SpatialReference) throws {
        let s = try SRSHandle(definition: source.wkt)
        let t = try SRSHandle(definition: target.wkt)
        GDALFailure.reset()
        guard let transformation = OCTNewCoordinateTransformation(s.handle, t.handle) else {
            throw RasterError.gdal("\(source.name) → \(target.name)", .unsupported, "no transformation between these CRSs")
        }
        self.transformation = transformation
        self.source = source
        self.target = target
    }

    deinit { OCTDestroyCoordinateTransformation(transformation) }

    /// Transforms points; throws naming the first point that cannot be transformed.
    public func transform(_ points: [(x: Double, y: Double)]) throws -> [(x: Double, y: Double)] {
        guard !points.isEmpty else { return [] }
        var xs = points.map(\.x), ys = points.map(\.y)
        var ok = [Int32](repeating: 0, count: points.count)
        GDALFailure.reset()
        let all = OCTTransformEx(transformation, Int32(points.count), &xs, &ys, nil, &ok)
        if all == 0 || ok.contains(0) {
            let index = ok.firstIndex(of: 0) ?? 0
            throw RasterError.gdal("\(source.name) → \(target.name)", .invalidArgument,
                                   "cannot transform point \(index + 1) (\(points[index].x), \(points[index].y))")
        }
        return zip(xs, ys).map { (x: $0, y: $1) }
    }

    public func transform(x: Double, y: Double) throws -> (x: Double, y: Double) {
        try transform([(x: x, y: y)])[0]
    }
}
