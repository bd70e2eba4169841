import CGDAL
import Foundation

/// An attribute column of a vector layer.
public struct VectorField: Sendable, Hashable {
    public enum FieldType: Sendable, Hashable { case integer, real, string }
    public let name: String
    public let type: FieldType

    public init(_ name: String, _ type: FieldType) {
        self.name = name
        self.type = type
    }
}

/// One attribute value; its case must match its field's type.
public enum VectorValue: Sendable, Hashable {
    case integer(Int)
    case real(Double)
    case string(String)
    case null
}

/// A feature geometry in the layer's CRS. Polygon rings are closed by the writer when needed.
public enum VectorGeometry: Sendable, Hashable {
    public struct Point: Sendable, Hashable {
        public var x: Double, y: Double
        public init(x: Double, y: Double) {
            self.x = x
            self.y = y
        }
    }

    case point(Point)
    /// Exterior ring first, then holes.
    case polygon([[Point]])
    case multiPolygon([[[Point]]])
}

/// Writes one layer of features to a GeoPackage (`.gpkg`) or GeoJSON (`.geojson`/`.json`) file,
/// atomically: the file appears at its path on `commit()`. GeoJSON follows RFC 7946: OGR's driver
/// reprojects the features to WGS 84 longitude/latitude and writes no `crs` member.
public final class VectorLayerWriter {
    public enum GeometryKind: Sendable { case point, polygon, multiPolygon }

    public let path: String
    private let location: AtomicOutputPath
    private var dataset: GDALDatasetH?
    private let layer: OGRLayerH
    private let fields: [VectorField]
    private var finished = false

    /// `description`: what the layer holds, its units included (a GeoPackage layer's description, as
    /// QGIS shows it; other formats have none).
    public init(path: String, layerName: String, geometry: GeometryKind, fields: [VectorField],
                spatialReference: SpatialReference?, description: String? = nil) throws {
        GDAL.ensureInitialized()
        self.path = path
        self.fields = fields
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        let driverName: String
        switch ext {
        case "gpkg": driverName = "GPKG"
        case "geojson", "json": driverName = "GeoJSON"
        default:
            throw RasterError(path, .invalidArgument, "unknown vector format '.\(ext)': use .gpkg or .geojson")
        }
        location = try AtomicOutputPath(path)
        location.discard()
        guard let driver = GDALGetDriverByName(driverName) else {
            throw RasterError(path, .unsupported, "GDAL has no \(driverName) driver")
        }
        GDALFailure.reset()
        guard let dataset = GDALCreate(driver, location.temporaryPath, 0, 0, 0, GDT_Unknown, nil) else {
            throw RasterError.gdal(path, .notWritable, "cannot create the \(driverName) file")
        }
        self.dataset = dataset
        let srs = try spatialReference.map { try SRSHandle(definition: $0.wkt) }
        let type: OGRwkbGeometryType = switch geometry {
        case .point: wkbPoint
        case .polygon: wkbPolygon
        case .multiPolygon: wkbMultiPolygon
        }
        var layerOptions: [(String, String)] = driverName == "GPKG" ? description.map { [("DESCRIPTION", $0)] } ?? [] : []
        // GeoJSON as RFC 7946 says: WGS 84 longitude/latitude, no `crs` member.
        if driverName == "GeoJSON" { layerOptions.append(("RFC7946", "YES")) }
        let layerOptionList = GDALStringList(options: layerOptions)
        guard let layer = GDALDatasetCreateLayer(dataset, layerName, srs?.handle, type, layerOptionList.pointer) else {
            GDALClose(dataset)
            location.discard()
            throw RasterError.gdal(path, .ioFailure, "cannot create layer \(layerName)")
        }
        self.layer = layer
        for field in fields {
            let definition = OGR_Fld_Create(field.name, field.type.ogr)
            defer { OGR_Fld_Destroy(definition) }
            if OGR_L_CreateField(layer, definition, 1) != OGRERR_NONE {
                GDALClose(dataset)
                location.discard()
                throw RasterError.gdal(path, .ioFailure, "cannot create field \(field.name)")
            }
        }
        // One transaction for all features: GeoPackage is SQLite, and per-feature commits are slow.
        _ = GDALDatasetStartTransaction(dataset, 0)
    }

    /// Adds a feature with attribute values in field order.
    public func add(_ geometry: VectorGeometry, _ values: [VectorValue]) throws {
        guard values.count == fields.count else {
            throw RasterError(path, .invalidArgument, "a feature needs \(fields.count) values, got \(values.count)")
        }
        let feature = OGR_F_Create(OGR_L_GetLayerDefn(layer))
        defer { OGR_F_Destroy(feature) }
        for (index, value) in values.enumerated() {
            let field = Int32(index)
            switch (value, fields[index].type) {
            case let (.integer(v), .integer): OGR_F_SetFieldInteger64(feature, field, GIntBig(v))
            case let (.real(v), .real): OGR_F_SetFieldDouble(feature, field, v)
            case let (.integer(v), .real): OGR_F_SetFieldDouble(feature, field, Double(v))
            case let (.string(v), .string): OGR_F_SetFieldString(feature, field, v)
            case (.null, _): OGR_F_SetFieldNull(feature, field)
            default:
                throw RasterError(path, .invalidArgument, "value \(value) does not fit field \(fields[index].name)")
            }
        }
        OGR_F_SetGeometryDirectly(feature, geometry.makeOGR())
        GDALFailure.reset()
        guard OGR_L_CreateFeature(layer, feature) == OGRERR_NONE else {
            throw RasterError.gdal(path, .ioFailure, "cannot write a feature")
        }
    }

    /// Finishes the file and moves it to its path.
    public func commit() throws {
        guard let dataset, !finished else { return }
        finished = true
        self.dataset = nil
        GDALFailure.reset()
        let committed = GDALDatasetCommitTransaction(dataset)
        GDALClose(dataset)
        if committed != OGRERR_NONE && committed != OGRERR_UNSUPPORTED_OPERATION || GDALFailure.lastMessage != nil {
            location.discard()
            throw RasterError.gdal(path, .ioFailure, "writing the vector file failed")
        }
        try location.commit()
    }

    deinit {
        if let dataset { GDALClose(dataset) }
        if !finished { location.discard() }
    }
}

extension VectorField.FieldType {
    var ogr: OGRFieldType {
        switch self {
        case .integer: OFTInteger64
        case .real: OFTReal
        case .string: OFTString
        }
    }
}

extension VectorGeometry {
    func makeOGR() -> OGRGeometryH {
        switch self {
        case let .point(p):
            let point = OGR_G_CreateGeometry(wkbPoint)!
            OGR_G_SetPoint_2D(point, 0, p.x, p.y)
            return point
        case let .polygon(rings):
            return Self.polygon(rings)
        case let .multiPolygon(polygons):
            let multi = OGR_G_CreateGeometry(wkbMultiPolygon)!
            for rings in polygons { OGR_G_AddGeometryDirectly(multi, Self.polygon(rings)) }
            return multi
        }
    }

    private static func polygon(_ rings: [[Point]]) -> OGRGeometryH {
        let polygon = OGR_G_CreateGeometry(wkbPolygon)!
        for ring in rings where !ring.isEmpty {
            let linear = OGR_G_CreateGeometry(wkbLinearRing)!
            for p in ring { OGR_G_AddPoint_2D(linear, p.x, p.y) }
            if ring.first != ring.last { OGR_G_AddPoint_2D(linear, ring[0].x, ring[0].y) }
            OGR_G_AddGeometryDirectly(polygon, linear)
        }
        return polygon
    }
}
