import Foundation
import RasterIO

/// What an L1A product holds and how well its RPCs fit its camera, for `world.json` and the console.
public struct L1AProductSummary: Sendable, Codable, Equatable {
    public var level = "L1A"
    public var parameters: L1AParameters
    /// The DEM's lowest and highest cells, metres.
    public var demHeightRange: [Double]
    public var mss: Image
    public var pan: Image

    public struct Image: Sendable, Codable, Equatable {
        public var member: String
        public var geometry: L1AGeometry
        public var rpc: RPC00B
        /// RPC against the camera on independent random check points (image position, height).
        public var rpcFitError: RPC00B.FitError
    }
}

/// Writes an L1A product of a synthetic world as CRESDA ships it: `<product>.tar.gz` holding
/// `<product>-MSS1.tiff/.rpb/.xml` and `<product>-PAN1.tiff/.rpb/.xml`, the TIFFs in sensor
/// geometry (no geotransform, no CRS; DN 0 where the image sees ground outside the world).
///
/// Each L1A pixel is the world seen through `L1AGeometry`: its ground point is found with the DEM
/// (`L1AGeometry.ground`), the world is evaluated there (`WorldModel.ground`, the same pure function
/// of position the ortho scene is rendered from), and the sensor's radiometry and noise are applied
/// once, in the image's own pixels (noise drawn per image pixel), then quantised. MSS: the four
/// bands' DNs. PAN: the weighted mean of the four bands' radiances (`L1AParameters.panWeights`),
/// turned into DN with the PAN gain, with the same noise model. No resampling of any DN: a real
/// sensor adds its noise in its own pixels, once.
///
/// The product is `acquisition`'s: the part of the world it covers, its XML, calibration, noise and
/// clouds (by default the scene's own, covering the whole scene).
struct L1AProductWriter {
    let scene: SyntheticScene
    let parameters: L1AParameters
    let threads: Int
    var acquisition: ProductAcquisition
    /// Called after each chunk of an L1A image with its pixel count.
    var progress: (@Sendable (Int) -> Void)? = nil

    /// Image chunks: 1024 × 256 pixels, rendered in strips of 16 rows (the TIFFs' strips) on all threads.
    static let chunkWidth = 1024, chunkHeight = 256, stripRows = 16

    /// The chunks and pixels of the MSS and PAN images together (for progress).
    static func work(scene: SyntheticScene, acquisitions: [ProductAcquisition], parameters p: L1AParameters) -> (chunks: Int, pixels: Int) {
        acquisitions.reduce((0, 0)) { total, acquisition in
            let writer = L1AProductWriter(scene: scene, parameters: p, threads: 1, acquisition: acquisition)
            let mss = writer.mssGeometry(heights: writer.nominalHeights)
            return [mss, mss.finer(by: p.panFactor)].reduce(total) { sum, g in
                (sum.0 + Window(width: g.width, height: g.height).tiles(width: chunkWidth, height: chunkHeight).count,
                 sum.1 + g.width * g.height)
            }
        }
    }

    init(scene: SyntheticScene, parameters: L1AParameters, threads: Int, acquisition: ProductAcquisition? = nil) {
        self.scene = scene
        self.parameters = parameters
        self.threads = threads
        self.acquisition = acquisition ?? scene.acquisition
    }

    /// The terrain the product is made with: the world's own when its content depends on terrain
    /// (`--terrain`), else one from the L1A parameters.
    var terrainParameters: TerrainParameters { scene.model.terrain?.parameters ?? TerrainParameters(l1a: parameters) }

    var nominalHeights: ClosedRange<Double> {
        let t = terrainParameters
        return t.baseHeight...(t.baseHeight + t.relief)
    }

    /// The DEM cells (scene pixel coordinates) the L1A products of `acquisitions` (default: the
    /// scene's own) need: the scene and their MSS images' ground footprints at the terrain's nominal
    /// heights, plus the margin.
    static func demExtent(scene: SyntheticScene, acquisitions: [ProductAcquisition]? = nil, parameters: L1AParameters,
                          terrain: TerrainParameters) -> Window {
        let heights = terrain.baseHeight...(terrain.baseHeight + terrain.relief)
        let footprints = (acquisitions ?? [scene.acquisition]).map { acquisition in
            footprint(of: L1AProductWriter(scene: scene, parameters: parameters, threads: 1, acquisition: acquisition)
                .mssGeometry(heights: heights), heights: heights)
        }
        let cover = MapExtent(minX: footprints.map(\.minX).min()!, minY: footprints.map(\.minY).min()!,
                              maxX: footprints.map(\.maxX).max()!, maxY: footprints.map(\.maxY).max()!)
        return SyntheticTerrain.extent(scene: scene, cover: cover, margin: terrain.margin)
    }

    /// The CRESDA product name, e.g. `GF2_PMS1_E107.2_N22.5_20201112_L1A0005218441`.
    var productName: String { acquisition.productName }

    /// The MSS camera: its origin and size chosen so the image covers the acquisition's window of
    /// the ortho grid at any height of the terrain.
    func mssGeometry(heights: ClosedRange<Double>) -> L1AGeometry {
        var geometry = L1AGeometry(rotation: parameters.rotation, skew: parameters.skew, alongTrackScale: parameters.alongTrackScale,
                                   sampleSpacing: scene.geoTransform.pixelWidth, satelliteZenith: acquisition.metadata.satelliteZenith,
                                   satelliteAzimuth: acquisition.metadata.satelliteAzimuth, origin: [0, 0], width: 1, height: 1)
        let window = acquisition.window, ps = scene.geoTransform.pixelWidth
        let extent = GeoTransform(originX: scene.geoTransform.originX + Double(window.x) * ps,
                                  originY: scene.geoTransform.originY - Double(window.y) * ps, pixelWidth: ps, pixelHeight: ps)
            .extent(width: window.width, height: window.height)
        var samples: [Double] = [], lines: [Double] = []
        for (east, north) in [(extent.minX, extent.maxY), (extent.maxX, extent.maxY), (extent.maxX, extent.minY), (extent.minX, extent.minY)] {
            for h in [heights.lowerBound, heights.upperBound] {
                let p = geometry.image(east: east, north: north, height: h)
                samples.append(p.sample)
                lines.append(p.line)
            }
        }
        // Pixel edges at the extremes: the first centre half a pixel inside.
        let first = geometry.apparent(sample: samples.min()! + 0.5, line: lines.min()! + 0.5)
        geometry.origin = [first.east, first.north]
        geometry.width = Int((samples.max()! - samples.min()!).rounded(.up))
        geometry.height = Int((lines.max()! - lines.min()!).rounded(.up))
        return geometry
    }

    /// The ground extent the image can see at heights in `heights`.
    static func footprint(of geometry: L1AGeometry, heights: ClosedRange<Double>) -> MapExtent {
        let d = geometry.displacementPerMetre
        var xs: [Double] = [], ys: [Double] = []
        for (s, l) in [(-0.5, -0.5), (Double(geometry.width) - 0.5, -0.5), (Double(geometry.width) - 0.5, Double(geometry.height) - 0.5),
                       (-0.5, Double(geometry.height) - 0.5)] {
            let a = geometry.apparent(sample: s, line: l)
            for h in [heights.lowerBound, heights.upperBound] {
                xs.append(a.east - h * d.east)
                ys.append(a.north - h * d.north)
            }
        }
        return MapExtent(minX: xs.min()!, minY: ys.min()!, maxX: xs.max()!, maxY: ys.max()!)
    }

    /// RPCs fitted to `geometry` on a grid of image positions × height layers (the ground point of
    /// each by the camera's exact inverse at that height), and their error on random check points.
    func fitRPC(to geometry: L1AGeometry, heights: ClosedRange<Double>) throws -> (RPC00B, RPC00B.FitError) {
        let p = parameters
        let low = heights.lowerBound - p.rpcHeightMargin, high = heights.upperBound + p.rpcHeightMargin
        let toLonLat = try CoordinateTransformer(from: scene.spatialReference, to: .wgs84)
        func observations(_ points: [(sample: Double, line: Double, height: Double)]) throws -> [RPC00B.Observation] {
            let d = geometry.displacementPerMetre
            let ground = points.map { point in
                let a = geometry.apparent(sample: point.sample, line: point.line)
                return (x: a.east - point.height * d.east, y: a.north - point.height * d.north)
            }
            return zip(points, try toLonLat.transform(ground)).map { point, lonLat in
                RPC00B.Observation(longitude: lonLat.x, latitude: lonLat.y, height: point.height, sample: point.sample, line: point.line)
            }
        }
        let n = p.rpcGridSize, layers = p.rpcHeightLayers
        let w = Double(geometry.width), h = Double(geometry.height)
        var grid: [(sample: Double, line: Double, height: Double)] = []
        for k in 0..<layers {
            for j in 0..<n {
                for i in 0..<n {
                    grid.append((-0.5 + w * Double(i) / Double(n - 1), -0.5 + h * Double(j) / Double(n - 1),
                                 low + (high - low) * Double(k) / Double(layers - 1)))
                }
            }
        }
        let rpc = try RPC00B.fit(try observations(grid))
        let hash = WorldHash(seed: acquisition.noiseSeed &+ UInt64(geometry.width))
        let stream = Stream.rpcCheckPoints.rawValue
        let checks = (0..<p.rpcCheckPoints).map { i in
            (-0.5 + w * hash.uniform(stream, i, 1), -0.5 + h * hash.uniform(stream, i, 2), heights.lowerBound
                + (heights.upperBound - heights.lowerBound) * hash.uniform(stream, i, 3))
        }
        return (rpc, rpc.error(on: try observations(checks)))
    }

    /// The product XML of an L1A image: the scene's, with the image's size, corners and GSD.
    func metadata(of geometry: L1AGeometry, terrain: SyntheticTerrain, bands: String) throws -> ProductMetadata {
        var metadata = acquisition.metadata
        metadata.widthInPixels = geometry.width
        metadata.heightInPixels = geometry.height
        let w = Double(geometry.width) - 0.5, h = Double(geometry.height) - 0.5
        let corners = [(-0.5, -0.5), (w, -0.5), (w, h), (-0.5, h)].map { s, l in
            let g = geometry.ground(sample: s, line: l) { terrain.height(east: $0, north: $1) }
            return (x: g.east, y: g.north)
        }
        func r6(_ v: Double) -> Double { (v * 1e6).rounded() / 1e6 }
        metadata.corners = try CoordinateTransformer(from: scene.spatialReference, to: .wgs84).transform(corners)
            .map { .init(longitude: r6($0.x), latitude: r6($0.y)) }
        metadata.otherTags = metadata.otherTags.compactMap { tag in
            switch tag.tag {
            case "ImageGSD": return (tag.tag, "\(geometry.sampleSpacing)")
            case "Bands": return (tag.tag, bands)
            case "MapProjection", "EarthEllipsoid", "ZoneNo": return nil
            default: return tag
            }
        }
        return metadata
    }

    /// Renders an L1A image through `geometry` from the world model into `output`, chunk by chunk;
    /// `pixel` turns the ground seen at image position (`sample`, `line`) into the image's bands.
    /// Pixels whose ground point lies outside the ortho scene stay 0 (nodata). Clouds, if any, are
    /// laid over the ground before `pixel` sees it.
    func render(_ geometry: L1AGeometry, terrain: SyntheticTerrain, into output: Raster, bands: Int,
                pixel: @escaping @Sendable (_ ground: WorldModel.GroundPoint, _ sample: Int, _ line: Int,
                                            _ out: inout [UInt16], _ index: Int, _ stride: Int) -> Void) throws {
        let model = scene.model
        let sceneWindow = Window(width: scene.width, height: scene.height)
        let heights = terrain.minimum...terrain.maximum
        let transform = scene.geoTransform, ps = transform.pixelWidth, west = transform.originX, north = transform.originY
        let columns = Double(scene.width), rows = Double(scene.height)
        for chunk in Window(width: geometry.width, height: geometry.height).tiles(width: Self.chunkWidth, height: Self.chunkHeight) {
            // The chunk's ground points lie in its footprint at the terrain's heights: prepare the world there.
            var part = geometry
            part.origin = {
                let a = geometry.apparent(sample: Double(chunk.x), line: Double(chunk.y))
                return [a.east, a.north]
            }()
            part.width = chunk.width
            part.height = chunk.height
            let footprint = Self.footprint(of: part, heights: heights)
            let x0 = Int(((footprint.minX - transform.originX) / ps).rounded(.down)) - 2
            let x1 = Int(((footprint.maxX - transform.originX) / ps).rounded(.up)) + 2
            let y0 = Int(((transform.originY - footprint.maxY) / ps).rounded(.down)) - 2
            let y1 = Int(((transform.originY - footprint.minY) / ps).rounded(.up)) + 2
            let source = Window(x: x0, y: y0, width: x1 - x0, height: y1 - y0).intersection(sceneWindow)
            let region: WorldModel.Region? = source.isEmpty ? nil : model.region(covering: source)
            let clouds = source.isEmpty ? nil : acquisition.clouds.map { ($0, $0.field.lattice(covering: source, pixelSize: ps)) }
            let strips = chunk.tiles(width: chunk.width, height: Self.stripRows)
            let camera = geometry.resolved()
            let parts = concurrentMap(strips, threads: threads) { strip -> [UInt16] in
                let count = strip.pixelCount, width = strip.width
                var out = [UInt16](repeating: 0, count: bands * count)
                guard let region else { return out }
                for row in 0..<strip.height {
                    var height = terrain.minimum
                    for column in 0..<width {
                        let sample = strip.x + column, line = strip.y + row
                        let g = camera.ground(sample: Double(sample), line: Double(line), startHeight: height) {
                            terrain.height(east: $0, north: $1)
                        }
                        height = g.height
                        // Position on the world's grid, pixel edges at whole numbers.
                        let u = (g.east - west) / ps, v = (north - g.north) / ps
                        guard u >= 0, v >= 0, u < columns, v < rows else { continue }
                        var ground = model.ground(column: u, row: v, in: region)
                        if let (layer, lattice) = clouds {
                            ground.reflectance = layer.cover(ground.reflectance, field: lattice.value(column: u, row: v))
                        }
                        pixel(ground, sample, line, &out, row * width + column, count)
                    }
                }
                return out
            }
            for (strip, values) in zip(strips, parts) { try output.write(strip, from: values) }
            progress?(chunk.pixelCount)
        }
    }

    /// The one DEM the products of `acquisitions` (default: the scene's own) are made with: the
    /// world's terrain when it has one, else a terrain from the L1A parameters over the scene and
    /// all their footprints.
    static func terrain(scene: SyntheticScene, acquisitions: [ProductAcquisition]? = nil, parameters: L1AParameters) -> SyntheticTerrain {
        let terrainParameters = L1AProductWriter(scene: scene, parameters: parameters, threads: 1).terrainParameters
        let field = scene.model.terrain ?? TerrainField(
            seed: scene.model.seed, parameters: terrainParameters,
            extent: demExtent(scene: scene, acquisitions: acquisitions, parameters: parameters, terrain: terrainParameters),
            pixelSize: scene.geoTransform.pixelWidth)
        return SyntheticTerrain(scene: scene, field: field)
    }

    /// Writes `terrain` to `path` (`dem.tif`), uncommitted.
    static func writeDEM(_ terrain: SyntheticTerrain, scene: SyntheticScene, to path: String) throws -> GeoTIFFOutput {
        let dem = try GeoTIFFOutput(creating: path, spec: RasterSpec(
            width: terrain.width, height: terrain.height, bandCount: 1, pixelType: .float32, geoTransform: terrain.geoTransform,
            spatialReference: scene.spatialReference, bandDescriptions: ["terrain height above the WGS 84 ellipsoid (m)"]))
        try dem.raster.write(Window(width: terrain.width, height: terrain.height), from: terrain.heights)
        return dem
    }

    /// Writes the product tarball into `folder`, its images made with `terrain`; returns it
    /// uncommitted (the caller commits it with the world's other files), its summary and the MSS
    /// image's XML.
    func write(folder: String, terrain: SyntheticTerrain) throws -> (archive: TarArchiveWriter, summary: L1AProductSummary,
                                                                     mssMetadata: ProductMetadata) {
        let p = parameters
        let mss = mssGeometry(heights: nominalHeights)
        let pan = mss.finer(by: p.panFactor)
        let heights = terrain.minimum...terrain.maximum

        let staging = (folder as NSString).appendingPathComponent("\(productName).partial")
        try? FileManager.default.removeItem(atPath: staging)
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: staging) }
        let archive = try TarArchiveWriter(creating: (folder as NSString).appendingPathComponent("\(productName).tar.gz"))

        let model = scene.model, sensor = acquisition.sensor, hash = WorldHash(seed: acquisition.noiseSeed)
        var images: [L1AProductSummary.Image] = []
        var mssMetadata: ProductMetadata? = nil
        for (geometry, camera) in [(mss, "MSS1"), (pan, "PAN1")] {
            let member = "\(productName)-\(camera)"
            let isPAN = camera.hasPrefix("PAN")
            var options = GeoTIFFOptions()
            options.compression = .none
            options.pixelInterleavedStrips = true
            options.tileSize = Self.stripRows
            let descriptions = isPAN ? ["PAN 450-900 nm (DN)"]
                : ["B1 blue 450-520 nm (DN)", "B2 green 520-590 nm (DN)", "B3 red 630-690 nm (DN)", "B4 NIR 770-890 nm (DN)"]
            let image = try GeoTIFFOutput(creating: (staging as NSString).appendingPathComponent("\(member).tiff"), spec: RasterSpec(
                width: geometry.width, height: geometry.height, bandCount: descriptions.count, pixelType: .uint16, nodata: 0,
                bandDescriptions: descriptions), options: options)
            if isPAN {
                let weights = p.panWeights, gain = p.panGain, offset = p.panOffset
                try render(geometry, terrain: terrain, into: image.raster, bands: 1) { ground, sample, line, out, index, _ in
                    var radiance = 0.0
                    for b in 0..<4 { radiance += weights[b] * sensor.radiance(reflectance: ground.reflectance[b], band: b) }
                    out[index] = model.recordedDN(exact: (radiance - offset) / gain, noise: hash.normal(Stream.panSensorNoise.rawValue, sample, line))
                }
            } else {
                try render(geometry, terrain: terrain, into: image.raster, bands: 4) { ground, sample, line, out, index, stride in
                    for b in 0..<4 {
                        out[b * stride + index] = model.recordedDN(exact: sensor.dn(reflectance: ground.reflectance[b], band: b),
                                                                   noise: hash.normal(Stream.mssSensorNoise.rawValue << 4 | UInt64(b), sample, line))
                    }
                }
            }
            try image.commit()
            let (rpc, fitError) = try fitRPC(to: geometry, heights: heights)
            let metadata = try metadata(of: geometry, terrain: terrain, bands: isPAN ? "1" : "1,2,3,4")
            if !isPAN { mssMetadata = metadata }
            try archive.addFile(at: image.path, as: "\(member).tiff")
            try archive.add(Data(rpc.rpbText(satellite: acquisition.metadata.satelliteID, band: isPAN ? "P" : "MS").utf8), as: "\(member).rpb")
            try archive.add(Data(metadata.xml.utf8), as: "\(member).xml")
            images.append(.init(member: "\(member).tiff", geometry: geometry, rpc: rpc, rpcFitError: fitError))
        }
        let summary = L1AProductSummary(parameters: p, demHeightRange: [terrain.minimum, terrain.maximum], mss: images[0], pan: images[1])
        return (archive, summary, mssMetadata!)
    }
}
