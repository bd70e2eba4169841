import Dispatch
import Foundation
import RasterIO
import Synchronization

/// Writes a synthetic world into a folder, streaming: the scene is rendered chunk by chunk (one
/// block row tall, a few blocks wide) on all threads, and each chunk is written before the next
/// is rendered, so memory does not grow with the scene.
///
/// The files are byte-identical for a given seed and size whatever the thread count or the
/// rendering tile size: tiles only split the rendering work; the GDAL write calls (one per output
/// and chunk, in a fixed order) never change.
public struct WorldWriter {
    public struct Files: Sendable {
        public var scene: String
        public var metadata: String
        public var content: String
        public var landCover: String
        public var zones: String
        public var samples: String
        public var description: String
        /// Single-scene L1A worlds only: the product tarball.
        public var product: String?
        /// L1A worlds: every product tarball (a province's, row by row from the north-west).
        public var products: [String] = []
        /// Provinces only: the STAC ItemCollection of the products, and `province.json`.
        public var catalogue: String?
        public var province: String?
        /// L1A worlds and worlds with terrain: the DEM.
        public var dem: String?
        /// Worlds with terrain: the crust's terrain factor (truth).
        public var terrainFactor: String?
        /// `--sar` worlds: the backscatter raster.
        public var backscatter: String?
        /// Single-scene L1A worlds only: the product's cameras, RPCs and their fit errors (as in `world.json`).
        public var productSummary: L1AProductSummary?
        /// L1A worlds: every product's summary, in `products` order.
        public var productSummaries: [L1AProductSummary] = []
    }

    public static let blockSize = 512
    /// Blocks per chunk across: bounds the chunk buffers to ~14 MB whatever the scene width.
    public static let chunkBlocks = 4

    public var tileSize = 512
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    /// Called after each chunk with the chunk's pixel count.
    public var progress: (@Sendable (Int) -> Void)? = nil
    /// When set, the world is also delivered as an L1A product (tarball, DEM), and the ortho DN
    /// scene and its XML go to `truth/` as the reference: the same world on the ortho grid.
    public var l1a: L1AParameters? = nil
    /// With `l1a`: the province whose products to write (over `scene`, its world) instead of the
    /// scene's own product, with their catalogue and `province.json`.
    public var province: SyntheticProvince? = nil

    /// How many chunks a scene is written in (for progress).
    public static func chunkCount(width: Int, height: Int) -> Int {
        Window(width: width, height: height).tiles(width: blockSize * chunkBlocks, height: blockSize).count
    }

    /// The chunks and pixels `write` reports through `progress`: the ortho scene's, and the L1A
    /// images' when `l1a` is set.
    public func work(for scene: SyntheticScene) -> (chunks: Int, pixels: Int) {
        let ortho = (Self.chunkCount(width: scene.width, height: scene.height), scene.width * scene.height)
        guard let l1a else { return ortho }
        let product = L1AProductWriter.work(scene: scene, acquisitions: province?.acquisitions ?? [scene.acquisition], parameters: l1a)
        return (ortho.0 + product.chunks, ortho.1 + product.pixels)
    }

    public init() {}

    public static func files(in folder: String, scene: SyntheticScene, l1a: Bool = false, province: SyntheticProvince? = nil) -> Files {
        func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }
        let sceneStem = l1a ? "truth/ortho-dn" : scene.productName
        let terrain = scene.model.terrain != nil
        let products = l1a ? (province?.acquisitions ?? [scene.acquisition]).map { path("\($0.productName).tar.gz") } : []
        var files = Files(scene: path("\(sceneStem)\(l1a ? ".tif" : ".tiff")"), metadata: path("\(sceneStem).xml"),
                          content: path("truth/re2o3.tif"), landCover: path("truth/landcover.tif"), zones: path("truth/zones.tif"),
                          samples: path("samples.csv"), description: path("world.json"),
                          product: l1a && province == nil ? products[0] : nil,
                          dem: l1a || terrain ? path("dem.tif") : nil,
                          terrainFactor: terrain ? path("truth/terrain-factor.tif") : nil,
                          backscatter: scene.model.parameters.backscatter != nil ? path("s1.tif") : nil)
        files.products = products
        if l1a && province != nil {
            files.catalogue = path("catalogue.json")
            files.province = path("province.json")
        }
        return files
    }

    /// Renders and writes everything; nothing appears at a final path unless all succeeded.
    @discardableResult
    public func write(_ scene: SyntheticScene, to folder: String, samples: [Sample]) throws -> Files {
        guard tileSize >= 16 else { throw SynthError("--tile-size must be at least 16, got \(tileSize)") }
        guard scene.model.parameters.backscatter == nil || scene.model.terrain != nil else {
            throw SynthError("backscatter (--sar) needs a world with terrain (--terrain)")
        }
        guard province == nil || l1a != nil else { throw SynthError("a province's products are L1A products: set the L1A parameters") }
        var files = Self.files(in: folder, scene: scene, l1a: l1a != nil, province: province)
        try FileManager.default.createDirectory(atPath: (files.content as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        var options = GeoTIFFOptions()
        options.tileSize = Self.blockSize
        // One compression thread: GDAL's multi-threaded GTiff writer stores blocks in the order
        // they finish compressing, so under load the bytes (block offsets) changed from run to run.
        // Rendering, not compression, is the cost here.
        options.compressionThreads = nil
        func spec(_ bands: Int, _ type: PixelType, nodata: Double?, _ descriptions: [String]) -> RasterSpec {
            RasterSpec(width: scene.width, height: scene.height, bandCount: bands, pixelType: type,
                       geoTransform: scene.geoTransform, spatialReference: scene.spatialReference, nodata: nodata,
                       bandDescriptions: descriptions)
        }
        let dn = try GeoTIFFOutput(creating: files.scene, spec: spec(4, .uint16, nodata: 0, [
            "B1 blue 450-520 nm (DN)", "B2 green 520-590 nm (DN)", "B3 red 630-690 nm (DN)", "B4 NIR 770-890 nm (DN)",
        ]), options: options)
        let content = try GeoTIFFOutput(creating: files.content, spec: spec(1, .float32, nodata: -9999, ["true RE2O3 content"]), options: options)
        let cover = try GeoTIFFOutput(creating: files.landCover, spec: spec(1, .byte, nodata: 0, [
            "land cover: " + LandCover.allCases.map { "\($0.rawValue) \($0.name)" }.joined(separator: "; "),
        ]), options: options)
        let zones = try GeoTIFFOutput(creating: files.zones, spec: spec(1, .byte, nodata: nil, ["true anomaly zones: 1 = I (known mine), 2 = II (fault prospect)"]), options: options)
        let factor = try files.terrainFactor.map {
            try GeoTIFFOutput(creating: $0, spec: spec(1, .float32, nodata: nil, ["weathering crust's terrain factor T (content = T x (background + zones) + river enrichment)"]), options: options)
        }

        let chunkWidth = Self.blockSize * Self.chunkBlocks
        for chunk in Window(width: scene.width, height: scene.height).tiles(width: chunkWidth, height: Self.blockSize) {
            let tiles = chunk.tiles(width: min(tileSize, chunk.width), height: min(tileSize, chunk.height))
            let rendered = render(scene.model, tiles)
            var buffers = ChunkBuffers(window: chunk)
            for tile in rendered { buffers.place(tile) }
            try dn.raster.write(chunk, from: buffers.dn)
            try content.raster.write(chunk, from: buffers.content)
            try cover.raster.write(chunk, from: buffers.landCover)
            try zones.raster.write(chunk, from: buffers.zones)
            if let factor, let values = buffers.terrainFactor { try factor.raster.write(chunk, from: values) }
            progress?(chunk.pixelCount)
        }
        // An L1A world's DEM is part of its product (below); an ortho world's is written here.
        let dem = try l1a == nil ? scene.model.terrain.map { try writeDEM($0, scene: scene, to: files.dem!, options: options) } : nil
        let backscatter = try scene.model.parameters.backscatter.map {
            try writeBackscatter(SyntheticBackscatter(scene: scene, parameters: $0), scene: scene, to: files.backscatter!, options: options)
        }
        // An L1A world's products, all made with one DEM.
        var productDEM: GeoTIFFOutput? = nil
        var products: [(archive: TarArchiveWriter, summary: L1AProductSummary, mssMetadata: ProductMetadata)] = []
        if let l1a {
            let terrain = L1AProductWriter.terrain(scene: scene, acquisitions: province?.acquisitions, parameters: l1a)
            productDEM = try L1AProductWriter.writeDEM(terrain, scene: scene, to: files.dem!)
            for acquisition in province?.acquisitions ?? [scene.acquisition] {
                var productWriter = L1AProductWriter(scene: scene, parameters: l1a, threads: threads, acquisition: acquisition)
                productWriter.progress = progress
                products.append(try productWriter.write(folder: folder, terrain: terrain))
            }
            files.productSummaries = products.map(\.summary)
            if province == nil { files.productSummary = products[0].summary }
        }
        var texts: [(AtomicOutputPath, Data)] = [
            (try AtomicOutputPath(files.samples), Data(SampleSurvey.csv(samples).utf8)),
            (try AtomicOutputPath(files.metadata), Data(scene.metadata.xml.utf8)),
            (try AtomicOutputPath(files.description), try WorldDescription(scene: scene, files: files, l1a: files.productSummary).json()),
        ]
        if let province, let catalogue = files.catalogue, let description = files.province {
            let items = zip(province.acquisitions, products).map { acquisition, product in
                (id: acquisition.productName, file: "\(acquisition.productName).tar.gz", metadata: product.mssMetadata)
            }
            texts.append((try AtomicOutputPath(catalogue), try STACItemCollection(products: items, orbitHeight: SyntheticProvince.orbitHeight).json()))
            texts.append((try AtomicOutputPath(description),
                          try ProvinceDescription(province: province, files: files.products, summaries: files.productSummaries).json()))
        }
        do {
            for (temporary, data) in texts { try data.write(to: URL(fileURLWithPath: temporary.temporaryPath)) }
            for output in [dn, content, cover, zones] + [factor, dem, backscatter, productDEM].compactMap({ $0 }) { try output.commit() }
            for product in products { try product.archive.commit() }
            for (temporary, _) in texts { try temporary.commit() }
        } catch {
            for (temporary, _) in texts { temporary.discard() }
            throw error
        }
        return files
    }

    /// Writes the DEM of a world with terrain, chunk by chunk (uncommitted).
    func writeDEM(_ terrain: TerrainField, scene: SyntheticScene, to path: String, options: GeoTIFFOptions) throws -> GeoTIFFOutput {
        let extent = terrain.extent, ps = scene.geoTransform.pixelWidth
        let dem = try GeoTIFFOutput(creating: path, spec: RasterSpec(
            width: extent.width, height: extent.height, bandCount: 1, pixelType: .float32,
            geoTransform: GeoTransform(originX: scene.geoTransform.originX + Double(extent.x) * ps,
                                       originY: scene.geoTransform.originY - Double(extent.y) * ps, pixelWidth: ps, pixelHeight: ps),
            spatialReference: scene.spatialReference, bandDescriptions: ["terrain height above the WGS 84 ellipsoid (m)"]), options: options)
        for chunk in Window(width: extent.width, height: extent.height).tiles(width: extent.width, height: Self.blockSize) {
            let tiles = chunk.tiles(width: Self.blockSize, height: Self.blockSize)
            let heights = concurrentMap(tiles, threads: threads) { tile in
                terrain.heights(Window(x: tile.x + extent.x, y: tile.y + extent.y, width: tile.width, height: tile.height))
            }
            for (tile, values) in zip(tiles, heights) { try dem.raster.write(tile, from: values) }
        }
        return dem
    }

    /// Writes the backscatter raster, chunk by chunk (uncommitted).
    func writeBackscatter(_ backscatter: SyntheticBackscatter, scene: SyntheticScene, to path: String,
                          options: GeoTIFFOptions) throws -> GeoTIFFOutput {
        let output = try GeoTIFFOutput(creating: path, spec: RasterSpec(
            width: backscatter.width, height: backscatter.height, bandCount: 2, pixelType: .float32,
            geoTransform: backscatter.geoTransform, spatialReference: scene.spatialReference,
            bandDescriptions: ["VV backscatter sigma0 (dB)", "VH backscatter sigma0 (dB)"]), options: options)
        let grid = Window(width: backscatter.width, height: backscatter.height)
        for chunk in grid.tiles(width: grid.width, height: Self.blockSize) {
            let tiles = chunk.tiles(width: 128, height: 128)
            let rendered = concurrentMap(tiles, threads: threads) { backscatter.render($0) }
            for (tile, values) in zip(tiles, rendered) { try output.raster.write(tile, from: values) }
        }
        return output
    }

    /// Renders tiles on `threads` workers, returned in tile order.
    func render(_ model: WorldModel, _ tiles: [Window]) -> [WorldTile] {
        concurrentMap(tiles, threads: threads) { model.render($0) }
    }
}

/// `transform` applied to every item on up to `threads` workers; results in item order.
func concurrentMap<Item: Sendable, Result: Sendable>(_ items: [Item], threads: Int,
                                                     _ transform: @Sendable (Item) -> Result) -> [Result] {
    let results = Mutex<[Int: Result]>([:])
    let next = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: max(1, min(threads, items.count))) { _ in
        while true {
            let index = next.add(1, ordering: .relaxed).oldValue
            guard index < items.count else { return }
            let result = transform(items[index])
            results.withLock { $0[index] = result }
        }
    }
    return results.withLock { parts in items.indices.map { parts[$0]! } }
}

/// One chunk's outputs, assembled from rendered tiles.
struct ChunkBuffers {
    let window: Window
    var dn: [UInt16]
    var content: [Float]
    var landCover: [UInt8]
    var zones: [UInt8]
    /// Worlds with terrain only.
    var terrainFactor: [Float]?

    init(window: Window) {
        self.window = window
        dn = [UInt16](repeating: 0, count: 4 * window.pixelCount)
        content = [Float](repeating: 0, count: window.pixelCount)
        landCover = [UInt8](repeating: 0, count: window.pixelCount)
        zones = [UInt8](repeating: 0, count: window.pixelCount)
    }

    mutating func place(_ tile: WorldTile) {
        let n = window.pixelCount, tn = tile.window.pixelCount
        for row in 0..<tile.window.height {
            let source = row * tile.window.width
            let target = (tile.window.y - window.y + row) * window.width + (tile.window.x - window.x)
            for b in 0..<4 {
                dn.replaceSubrange(b * n + target..<b * n + target + tile.window.width,
                                   with: tile.dn[b * tn + source..<b * tn + source + tile.window.width])
            }
            content.replaceSubrange(target..<target + tile.window.width, with: tile.content[source..<source + tile.window.width])
            landCover.replaceSubrange(target..<target + tile.window.width, with: tile.landCover[source..<source + tile.window.width])
            zones.replaceSubrange(target..<target + tile.window.width, with: tile.zones[source..<source + tile.window.width])
            if let terrain = tile.terrain {
                if terrainFactor == nil { terrainFactor = [Float](repeating: 0, count: n) }
                terrainFactor!.replaceSubrange(target..<target + tile.window.width,
                                               with: terrain.factor[source..<source + tile.window.width])
            }
        }
    }
}

/// `world.json`: how the world was made and where its features are, for reports and tests.
struct WorldDescription: Codable {
    var generator: String
    var seed: UInt64
    var width: Int
    var height: Int
    var productName: String
    var epsg: Int?
    var geoTransform: [Double]
    /// The simulated sensor's calibration, e.g. "GF2 PMS1 2018" (coefficients in `parameters`).
    var calibration: String
    var solarZenith: Double
    var solarAzimuth: Double
    var earthSunDistance: Double
    var parameters: WorldParameters
    var layout: WorldLayout
    var files: [String: String]
    /// L1A worlds only (absent from an ortho world's file).
    var l1a: L1AProductSummary?

    init(scene: SyntheticScene, files: WorldWriter.Files, l1a: L1AProductSummary? = nil) {
        generator = "regolith synth"
        seed = scene.model.seed
        width = scene.width
        height = scene.height
        productName = scene.productName
        epsg = scene.spatialReference.epsg
        geoTransform = scene.geoTransform.coefficients
        let p = scene.model.parameters
        calibration = "\(p.satelliteID) \(p.sensorID) \(p.sensorCalibrationYear)"
        solarZenith = scene.model.sensor.solarZenith
        solarAzimuth = scene.metadata.solarAzimuth
        earthSunDistance = scene.model.sensor.earthSunDistance
        parameters = scene.model.parameters
        layout = scene.model.layout
        func name(_ path: String) -> String { path.components(separatedBy: "/").suffix(path.contains("truth/") ? 2 : 1).joined(separator: "/") }
        self.files = ["scene": name(files.scene), "metadata": name(files.metadata), "content": name(files.content),
                      "landCover": name(files.landCover), "zones": name(files.zones), "samples": name(files.samples)]
        if let product = files.product { self.files["product"] = name(product) }
        if let catalogue = files.catalogue { self.files["catalogue"] = name(catalogue) }
        if let province = files.province { self.files["province"] = name(province) }
        if let dem = files.dem { self.files["dem"] = name(dem) }
        if let factor = files.terrainFactor { self.files["terrainFactor"] = name(factor) }
        if let backscatter = files.backscatter { self.files["backscatter"] = name(backscatter) }
        self.l1a = l1a
    }

    func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }
}
