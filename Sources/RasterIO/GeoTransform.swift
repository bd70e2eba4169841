/// GDAL's affine pixel → georeferenced map: `X = c[0] + col·c[1] + row·c[2]`, `Y = c[3] + col·c[4] + row·c[5]`,
/// where (col, row) is a pixel corner in pixel units (the top-left corner of pixel (0, 0) is (0, 0)).
public struct GeoTransform: Hashable, Sendable, Codable {
    public var coefficients: [Double]

    public init(_ coefficients: [Double]) {
        precondition(coefficients.count == 6, "a geotransform has six coefficients")
        self.coefficients = coefficients
    }

    /// A north-up grid: top-left corner at (originX, originY), square or rectangular pixels.
    public init(originX: Double, originY: Double, pixelWidth: Double, pixelHeight: Double) {
        self.init([originX, pixelWidth, 0, originY, 0, -abs(pixelHeight)])
    }

    public var originX: Double { coefficients[0] }
    public var originY: Double { coefficients[3] }
    public var pixelWidth: Double { coefficients[1] }
    /// Negative for north-up images, as GDAL stores it.
    public var pixelHeight: Double { coefficients[5] }
    public var isNorthUp: Bool { coefficients[2] == 0 && coefficients[4] == 0 }

    /// Map coordinates of the pixel-space point (column, row).
    public func map(column: Double, row: Double) -> (x: Double, y: Double) {
        let c = coefficients
        return (c[0] + column * c[1] + row * c[2], c[3] + column * c[4] + row * c[5])
    }

    /// Pixel-space coordinates of a map point; nil when the transform is degenerate.
    public func pixel(x: Double, y: Double) -> (column: Double, row: Double)? {
        let c = coefficients
        let det = c[1] * c[5] - c[2] * c[4]
        guard det != 0 else { return nil }
        let dx = x - c[0], dy = y - c[3]
        return ((dx * c[5] - dy * c[2]) / det, (dy * c[1] - dx * c[4]) / det)
    }

    /// The map-space bounding box of a `width` × `height` raster.
    public func extent(width: Int, height: Int) -> MapExtent {
        let corners = [map(column: 0, row: 0), map(column: Double(width), row: 0),
                       map(column: 0, row: Double(height)), map(column: Double(width), row: Double(height))]
        return MapExtent(minX: corners.map(\.x).min()!, minY: corners.map(\.y).min()!,
                         maxX: corners.map(\.x).max()!, maxY: corners.map(\.y).max()!)
    }
}

/// An axis-aligned box in map coordinates.
public struct MapExtent: Hashable, Sendable, Codable {
    public var minX: Double, minY: Double, maxX: Double, maxY: Double

    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = minX
        self.minY = minY
        self.maxX = maxX
        self.maxY = maxY
    }

    public func contains(x: Double, y: Double) -> Bool {
        x >= minX && x <= maxX && y >= minY && y <= maxY
    }
}
