import Foundation
import RasterIO

/// The synthetic DEM of an L1A world: its `TerrainField` materialised over the field's extent, on
/// the scene's grid (same pixel size and alignment) and reaching beyond it to cover a whole
/// requested extent, so a warper never runs off it.
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

    /// The DEM of `field` over its extent, georeferenced like `scene`.
    init(scene: SyntheticScene, field: TerrainField) {
        let ps = scene.geoTransform.pixelWidth, origin = scene.geoTransform, extent = field.extent
        width = extent.width
        height = extent.height
        west = origin.originX + Double(extent.x) * ps
        north = origin.originY - Double(extent.y) * ps
        cellSize = ps
        geoTransform = GeoTransform(originX: west, originY: north, pixelWidth: ps, pixelHeight: ps)
        heights = field.heights(extent)
        minimum = Double(heights.min()!)
        maximum = Double(heights.max()!)
    }

    /// The DEM cells (scene pixel coordinates) covering the scene and the map extent `cover`, plus `margin` cells.
    static func extent(scene: SyntheticScene, cover: MapExtent, margin: Int) -> Window {
        let ps = scene.geoTransform.pixelWidth, origin = scene.geoTransform
        let left = min(0, Int(((cover.minX - origin.originX) / ps).rounded(.down))) - margin
        let right = max(scene.width, Int(((cover.maxX - origin.originX) / ps).rounded(.up))) + margin
        let top = min(0, Int(((origin.originY - cover.maxY) / ps).rounded(.down))) - margin
        let bottom = max(scene.height, Int(((origin.originY - cover.minY) / ps).rounded(.up))) + margin
        return Window(x: left, y: top, width: right - left, height: bottom - top)
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
