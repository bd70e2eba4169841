import Foundation
import RasterIO

/// The synthetic DEM of an L1A world: a seeded Gaussian random field (exponential covariance, see
/// `RandomField`) scaled so that its lowest and highest cells lie exactly `relief` metres apart,
/// from `baseHeight` up. It lies on the scene's grid (same pixel size and alignment) and reaches
/// beyond it to cover a whole requested extent, so a warper never runs off it.
///
/// `height(east:north:)` interpolates bilinearly between cell centres, as GDAL's RPC transformer
/// reads a DEM by default, so the sensor model and a warper see the same terrain.
public struct SyntheticTerrain: Sendable {
    public let geoTransform: GeoTransform
    public let width: Int
    public let height: Int
    /// Row-major heights, metres.
    public let heights: [Float]
    public let minimum: Double
    public let maximum: Double
    /// The grid's north-west corner and cell size, kept apart from `geoTransform` for the per-pixel lookups.
    private let west: Double, north: Double, cellSize: Double

    /// A DEM on `scene`'s grid covering the scene and the map extent `cover`, plus `margin` cells.
    init(scene: SyntheticScene, cover: MapExtent, margin: Int, parameters p: L1AParameters) {
        let ps = scene.geoTransform.pixelWidth, origin = scene.geoTransform
        let left = min(0, Int(((cover.minX - origin.originX) / ps).rounded(.down))) - margin
        let right = max(scene.width, Int(((cover.maxX - origin.originX) / ps).rounded(.up))) + margin
        let top = min(0, Int(((origin.originY - cover.maxY) / ps).rounded(.down))) - margin
        let bottom = max(scene.height, Int(((origin.originY - cover.minY) / ps).rounded(.up))) + margin
        width = right - left
        height = bottom - top
        west = origin.originX + Double(left) * ps
        north = origin.originY - Double(top) * ps
        cellSize = ps
        geoTransform = GeoTransform(originX: west, originY: north, pixelWidth: ps, pixelHeight: ps)
        let field = RandomField(hash: WorldHash(seed: scene.model.seed), stream: .terrain, range: p.terrainRange,
                                spacing: p.terrainLatticeSpacing)
        let lattice = field.lattice(covering: Window(width: width, height: height), pixelSize: ps)
        var values = [Float](repeating: 0, count: width * height)
        var low = Double.infinity, high = -Double.infinity
        for row in 0..<height {
            for column in 0..<width {
                let value = lattice.value(px: column, py: row)
                low = min(low, value)
                high = max(high, value)
                values[row * width + column] = Float(value)
            }
        }
        let scale = high > low ? p.demRelief / (high - low) : 0
        for i in values.indices { values[i] = Float(p.terrainBaseHeight + (Double(values[i]) - low) * scale) }
        heights = values
        minimum = Double(heights.min()!)
        maximum = Double(heights.max()!)
    }

    /// Bilinear height at map position (E, N); cells beyond the edge repeat the edge.
    @inline(__always)
    public func height(east: Double, north: Double) -> Double {
        let x = (east - west) / cellSize - 0.5
        let y = (self.north - north) / cellSize - 0.5
        let cx = min(max(x, 0), Double(width - 1)), cy = min(max(y, 0), Double(height - 1))
        let x0 = min(Int(cx), width - 2), y0 = min(Int(cy), height - 2)
        let fx = cx - Double(x0), fy = cy - Double(y0)
        return heights.withUnsafeBufferPointer { h in
            let i = y0 * width + x0
            let top = Double(h[i]) * (1 - fx) + Double(h[i + 1]) * fx
            let bottom = Double(h[i + width]) * (1 - fx) + Double(h[i + width + 1]) * fx
            return top * (1 - fy) + bottom * fy
        }
    }
}
