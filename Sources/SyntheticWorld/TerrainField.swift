import Foundation
import RasterIO

/// The world's terrain as a pure function of position: a seeded Gaussian random field (see
/// `RandomField`, interpolated bicubically at pixel centres of the scene's grid, its origin at the
/// DEM's north-west corner) scaled so that over the DEM's cells (`extent`, scene pixel coordinates,
/// reaching beyond the scene) the lowest and highest lie exactly `relief` metres apart, from
/// `baseHeight` up. The scale is fixed once from that extent, so any window (inside the scene or
/// beyond it) is computed alone and tiles are seamless.
public struct TerrainField: Sendable {
    public let parameters: TerrainParameters
    /// The DEM's cells, in the scene's pixel coordinates.
    public let extent: Window
    public let pixelSize: Double
    let field: RandomField
    /// The field smoothed by `positionSmoothing`: TPI = height − smoothed height.
    let smoothedField: RandomField
    /// Raw field value → height: `baseHeight + (value − low) · scale`.
    let low: Double
    let scale: Double

    init(seed: UInt64, parameters p: TerrainParameters, extent: Window, pixelSize: Double) {
        parameters = p
        self.extent = extent
        self.pixelSize = pixelSize
        field = RandomField(hash: WorldHash(seed: seed), stream: .terrain, range: p.range, spacing: p.latticeSpacing)
        smoothedField = field.smoothed(sigma: p.positionSmoothing)
        var low = Double.infinity, high = -Double.infinity
        // Tile by tile, so the scan needs no memory beyond one tile's lattice; min and max do not
        // depend on the order.
        for tile in Window(width: extent.width, height: extent.height).tiles(width: 512, height: 512) {
            let lattice = field.lattice(covering: tile, pixelSize: pixelSize)
            for py in tile.y..<tile.maxY {
                for px in tile.x..<tile.maxX {
                    let value = lattice.value(px: px, py: py)
                    low = min(low, value)
                    high = max(high, value)
                }
            }
        }
        self.low = low
        scale = high > low ? p.relief / (high - low) : 0
    }

    /// `window` (scene pixel coordinates) in the field's own, whose origin is the extent's corner.
    private func local(_ window: Window) -> Window {
        Window(x: window.x - extent.x, y: window.y - extent.y, width: window.width, height: window.height)
    }

    /// DEM heights (Float32, metres) of a window of cells (scene pixel coordinates), row-major.
    public func heights(_ window: Window) -> [Float] {
        let cells = local(window)
        let lattice = field.lattice(covering: cells, pixelSize: pixelSize)
        var values = [Float](repeating: 0, count: window.pixelCount)
        for row in 0..<cells.height {
            for column in 0..<cells.width {
                values[row * cells.width + column] = Float(height(lattice.value(px: cells.x + column, py: cells.y + row)))
            }
        }
        return values
    }

    /// A field value's height. The value goes through Float32 first, as the L1A DEM has always
    /// stored it, so L1A worlds without `--terrain` keep their DEM to the bit.
    @inline(__always)
    func height(_ value: Double) -> Double { parameters.baseHeight + (Double(Float(value)) - low) * scale }

    /// Heights, slopes, gradients, topographic position and the crust's factor over a window.
    public func surface(_ window: Window) -> TerrainTile {
        // Heights on the window plus a one-pixel ring, for the 3 × 3 gradient.
        let cells = local(window)
        let ring = Window(x: cells.x - 1, y: cells.y - 1, width: cells.width + 2, height: cells.height + 2)
        let lattice = field.lattice(covering: ring, pixelSize: pixelSize)
        let smoothed = smoothedField.lattice(covering: cells, pixelSize: pixelSize)
        var z = [Double](repeating: 0, count: ring.pixelCount)
        for row in 0..<ring.height {
            for column in 0..<ring.width {
                z[row * ring.width + column] = height(lattice.value(px: ring.x + column, py: ring.y + row))
            }
        }
        let n = window.pixelCount
        var tile = TerrainTile(window: window, height: [Float](repeating: 0, count: n), slope: [Float](repeating: 0, count: n),
                               gradientEast: [Float](repeating: 0, count: n), gradientNorth: [Float](repeating: 0, count: n),
                               position: [Float](repeating: 0, count: n), factor: [Float](repeating: 0, count: n))
        let w = ring.width, ps = pixelSize
        for row in 0..<window.height {
            for column in 0..<window.width {
                let c = (row + 1) * w + column + 1
                // Horn's 3 × 3 weights, as `gdaldem slope` uses them; rows run south.
                let east = ((z[c - w + 1] + 2 * z[c + 1] + z[c + w + 1]) - (z[c - w - 1] + 2 * z[c - 1] + z[c + w - 1])) / (8 * ps)
                let south = ((z[c + w - 1] + 2 * z[c + w] + z[c + w + 1]) - (z[c - w - 1] + 2 * z[c - w] + z[c - w + 1])) / (8 * ps)
                let slope = atan((east * east + south * south).squareRoot()) * 180 / .pi
                let px = cells.x + column, py = cells.y + row
                let position = (lattice.value(px: px, py: py) - smoothed.value(px: px, py: py)) * scale
                let i = row * window.width + column
                tile.height[i] = Float(z[c])
                tile.slope[i] = Float(slope)
                tile.gradientEast[i] = Float(east)
                tile.gradientNorth[i] = Float(-south)
                tile.position[i] = Float(position)
                tile.factor[i] = Float(parameters.regolithFactor(slope: slope, position: position, height: z[c]))
            }
        }
        return tile
    }
}

/// The terrain over one window of pixels, row-major.
public struct TerrainTile: Sendable {
    public let window: Window
    /// Metres.
    public var height: [Float]
    /// Degrees from horizontal (Horn's gradient).
    public var slope: [Float]
    /// Height gained per metre east and per metre north.
    public var gradientEast: [Float]
    public var gradientNorth: [Float]
    /// Topographic position index, metres: height minus the Gaussian-smoothed height.
    public var position: [Float]
    /// The weathering crust's thickness factor T (`TerrainParameters.regolithFactor`).
    public var factor: [Float]
}
