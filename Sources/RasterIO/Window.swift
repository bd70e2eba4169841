/// A rectangle of pixels: column `x`, row `y` of its top-left pixel, and its size.
public struct Window: Hashable, Sendable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// The whole of a `width` × `height` raster.
    public init(width: Int, height: Int) {
        self.init(x: 0, y: 0, width: width, height: height)
    }

    public var pixelCount: Int { width * height }
    public var isEmpty: Bool { width <= 0 || height <= 0 }
    public var maxX: Int { x + width }
    public var maxY: Int { y + height }

    public var description: String { "\(width)×\(height)+\(x)+\(y)" }

    /// The part of this window inside `other`, empty when they do not overlap.
    public func intersection(_ other: Window) -> Window {
        let x0 = max(x, other.x), y0 = max(y, other.y)
        let x1 = min(maxX, other.maxX), y1 = min(maxY, other.maxY)
        return Window(x: x0, y: y0, width: max(0, x1 - x0), height: max(0, y1 - y0))
    }

    /// True when `other` lies wholly inside this window.
    public func contains(_ other: Window) -> Bool {
        other.x >= x && other.y >= y && other.maxX <= maxX && other.maxY <= maxY
    }

    /// This window grown by `margin` pixels on every side (a kernel's halo); not clipped.
    public func expanded(by margin: Int) -> Window {
        Window(x: x - margin, y: y - margin, width: width + 2 * margin, height: height + 2 * margin)
    }

    /// Row-major tiles of at most `tileWidth` × `tileHeight` covering this window; tiles start on
    /// multiples of the tile size from the window's origin, so tiles that are multiples of a file's
    /// block size read whole blocks.
    public func tiles(width tileWidth: Int, height tileHeight: Int) -> [Window] {
        precondition(tileWidth > 0 && tileHeight > 0, "tile size must be positive")
        var result: [Window] = []
        result.reserveCapacity(((height + tileHeight - 1) / tileHeight) * ((width + tileWidth - 1) / tileWidth))
        var row = y
        while row < maxY {
            let h = min(tileHeight, maxY - row)
            var column = x
            while column < maxX {
                let w = min(tileWidth, maxX - column)
                result.append(Window(x: column, y: row, width: w, height: h))
                column += tileWidth
            }
            row += tileHeight
        }
        return result
    }
}

/// How the bands of a window are arranged in a buffer.
public enum SampleLayout: Sendable {
    /// All of band 1, then all of band 2, … (GDAL's default, "BSQ").
    case bandSequential
    /// The bands of pixel 1, then of pixel 2, … ("BIP"), as a per-pixel model wants them.
    case pixelInterleaved
}
