/// A window of a north-up raster grid, in the GDAL geotransform convention: (originX, originY) is the
/// outer corner of pixel (0, 0), and pixelHeight is negative when rows run southwards.
public struct GridWindow: Sendable, Equatable {
    public let originX: Double
    public let originY: Double
    public let pixelWidth: Double
    public let pixelHeight: Double
    public let width: Int
    public let height: Int

    public init(originX: Double, originY: Double, pixelWidth: Double, pixelHeight: Double, width: Int, height: Int) throws {
        guard width >= 0, height >= 0 else { throw GeostatisticsError.invalidParameter("grid size \(width) × \(height)") }
        guard pixelWidth != 0, pixelHeight != 0, pixelWidth.isFinite, pixelHeight.isFinite else {
            throw GeostatisticsError.invalidParameter("pixel size \(pixelWidth) × \(pixelHeight)")
        }
        (self.originX, self.originY, self.pixelWidth, self.pixelHeight, self.width, self.height) =
            (originX, originY, pixelWidth, pixelHeight, width, height)
    }

    public var pixelCount: Int { width * height }

    /// Centre of the pixel in `column`, `row`.
    @inline(__always)
    public func centre(column: Int, row: Int) -> (x: Double, y: Double) {
        (originX + (Double(column) + 0.5) * pixelWidth, originY + (Double(row) + 0.5) * pixelHeight)
    }

    /// The support of one pixel: a block of the pixel's size.
    public var pixelSupport: KrigingSupport { .block(width: abs(pixelWidth), height: abs(pixelHeight)) }
}
