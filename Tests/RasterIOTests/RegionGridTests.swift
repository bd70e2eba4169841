import RasterIO
import Testing

/// `RegionGrid`: the smallest grid aligned to multiples of the pixel size holding every extent.
@Suite("RegionGrid: one pixel-aligned grid over many scenes")
struct RegionGridTests {
    static let utm = try! SpatialReference("EPSG:32648")

    @Test func coversTheUnionOnAlignedPixels() throws {
        let grid = try RegionGrid(covering: [MapExtent(minX: 1001.5, minY: 2003, maxX: 1100, maxY: 2090.2),
                                             MapExtent(minX: 1050, minY: 1990.1, maxX: 1201, maxY: 2050)],
                                  crs: Self.utm, resolution: 4)
        #expect(grid.geoTransform == GeoTransform(originX: 1000, originY: 2092, pixelWidth: 4, pixelHeight: -4))
        #expect(grid.extent == MapExtent(minX: 1000, minY: 1988, maxX: 1204, maxY: 2092))
        #expect(grid.width == 51 && grid.height == 26)
        // An aligned scene's place on it, and none for one off the lattice or at another resolution.
        #expect(grid.window(of: GeoTransform(originX: 1040, originY: 2052, pixelWidth: 4, pixelHeight: -4), width: 5, height: 6)
                == Window(x: 10, y: 10, width: 5, height: 6))
        #expect(grid.window(of: GeoTransform(originX: 1041, originY: 2052, pixelWidth: 4, pixelHeight: -4), width: 5, height: 6) == nil)
        #expect(grid.window(of: GeoTransform(originX: 1040, originY: 2052, pixelWidth: 2, pixelHeight: -2), width: 5, height: 6) == nil)
    }

    @Test func anAlignedExtentIsItsOwnGrid() throws {
        let grid = try RegionGrid(covering: [MapExtent(minX: 728320, minY: 2484992, maxX: 728900, maxY: 2485540)], crs: Self.utm, resolution: 4)
        #expect(grid.extent == MapExtent(minX: 728320, minY: 2484992, maxX: 728900, maxY: 2485540))
    }

    @Test func refusesNoExtentsAndABadPixelSize() {
        #expect(throws: RasterError.self) { try RegionGrid(covering: [], crs: Self.utm, resolution: 4) }
        #expect(throws: RasterError.self) { try RegionGrid(covering: [MapExtent(minX: 0, minY: 0, maxX: 8, maxY: 8)], crs: Self.utm, resolution: 0) }
    }
}
