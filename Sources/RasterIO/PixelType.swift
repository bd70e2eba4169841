import CGDAL

/// The raster sample types Regolith reads and writes, named as GDAL names them.
public enum PixelType: String, Sendable, CaseIterable, Codable {
    case byte = "Byte"
    case uint16 = "UInt16"
    case int16 = "Int16"
    case uint32 = "UInt32"
    case int32 = "Int32"
    case float32 = "Float32"
    case float64 = "Float64"

    public var byteCount: Int {
        switch self {
        case .byte: 1
        case .uint16, .int16: 2
        case .uint32, .int32, .float32: 4
        case .float64: 8
        }
    }

    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }

    /// GDAL's name for the type, as `gdalinfo` prints it.
    public var name: String { rawValue }

    /// Parses GDAL's spelling, case-insensitively (`uint16`, `Float32`).
    public init?(name: String) {
        guard let type = PixelType.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else {
            return nil
        }
        self = type
    }

    var gdal: GDALDataType {
        switch self {
        case .byte: GDT_Byte
        case .uint16: GDT_UInt16
        case .int16: GDT_Int16
        case .uint32: GDT_UInt32
        case .int32: GDT_Int32
        case .float32: GDT_Float32
        case .float64: GDT_Float64
        }
    }

    init?(gdal: GDALDataType) {
        guard let type = PixelType.allCases.first(where: { $0.gdal == gdal }) else { return nil }
        self = type
    }
}

/// A Swift type that a raster window can be read into or written from; GDAL converts between it
/// and the file's own type (clamping, as `GDALRasterIO` does).
public protocol RasterScalar: Sendable, Numeric, Comparable {
    static var pixelType: PixelType { get }
    /// The value as a Double, for statistics and nodata comparison.
    var doubleValue: Double { get }
}

extension UInt8: RasterScalar {
    public static var pixelType: PixelType { .byte }
    public var doubleValue: Double { Double(self) }
}
extension UInt16: RasterScalar {
    public static var pixelType: PixelType { .uint16 }
    public var doubleValue: Double { Double(self) }
}
extension Int16: RasterScalar {
    public static var pixelType: PixelType { .int16 }
    public var doubleValue: Double { Double(self) }
}
extension UInt32: RasterScalar {
    public static var pixelType: PixelType { .uint32 }
    public var doubleValue: Double { Double(self) }
}
extension Int32: RasterScalar {
    public static var pixelType: PixelType { .int32 }
    public var doubleValue: Double { Double(self) }
}
extension Float: RasterScalar {
    public static var pixelType: PixelType { .float32 }
    public var doubleValue: Double { Double(self) }
}
extension Double: RasterScalar {
    public static var pixelType: PixelType { .float64 }
    public var doubleValue: Double { self }
}
