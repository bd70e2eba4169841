import NeuralNet
import RasterIO
import TileEngine

/// Computes a `FeatureStack`'s features from a window of the stacked raster (the scene with its
/// covariates after its bands, `RasterSource.stacking`): scene bands brought to reflectance,
/// covariate bands as they are, terrain derivatives by GDAL's DEM processing, spectral indices.
/// The same code serves the sample set (one pixel with its neighbours) and the map (tiles), so a
/// model sees the same numbers in both.
public struct FeatureExtractor: Sendable {
    public let stack: FeatureStack
    /// Stored values → reflectance, one per `stack.sceneBands` (nil: as stored).
    public let affine: BandAffine?
    /// The scene grid's pixel size (GDAL's signs), for the terrain derivatives.
    public let pixelWidth: Double
    public let pixelHeight: Double
    /// Index of the terrain source's band among the raw input bands.
    private let terrainBand: Int?
    /// Per index: the positions of its numerator and denominator (NDVI: NIR and red) among the scene bands.
    private let indexBands: [(kind: IndexKind, first: Int, second: Int)]

    private enum IndexKind { case normalisedDifference, ratio }

    /// Spectral indices by name: `ndvi` is (b4 − b3)/(b4 + b3) (GF-2's NIR and red), `ratio_b<i>_b<j>` is b<i>/b<j>.
    public static let indexHelp = "ndvi ((b4 − b3)/(b4 + b3)) or ratio_b<i>_b<j> (b<i>/b<j>)"

    public init(stack: FeatureStack, affine: BandAffine?, pixelWidth: Double, pixelHeight: Double) throws {
        if let affine, affine.bandCount != stack.sceneBands.count {
            throw InversionError("the calibration has \(affine.bandCount) bands, the features \(stack.sceneBands.count) scene bands")
        }
        self.stack = stack
        self.affine = affine
        self.pixelWidth = pixelWidth
        self.pixelHeight = pixelHeight
        if let unknown = stack.terrain.first(where: { TerrainAnalysis.processing[$0] == nil }) {
            throw InversionError("no terrain derivative '\(unknown)' (\(TerrainAnalysis.processing.keys.sorted().joined(separator: ", ")))")
        }
        if stack.terrain.isEmpty {
            terrainBand = nil
        } else {
            let source = stack.terrainSource ?? "dem"
            guard let index = stack.covariates.firstIndex(where: { $0.name == source }) else {
                throw InversionError("the terrain derivatives \(stack.terrain.joined(separator: ", ")) need a DEM covariate named '\(source)'")
            }
            guard stack.covariates[index].bands == 1 else {
                throw InversionError("the terrain source '\(source)' has \(stack.covariates[index].bands) bands; a DEM has one")
            }
            terrainBand = stack.sceneBands.count + stack.covariates[..<index].reduce(0) { $0 + $1.bands }
        }
        indexBands = try stack.indices.map { name in
            func position(_ band: Int) throws -> Int {
                guard let position = stack.sceneBands.firstIndex(of: band) else {
                    throw InversionError("the index \(name) needs scene band \(band), which is not among the features' bands \(stack.sceneBands)")
                }
                return position
            }
            if name == "ndvi" { return (.normalisedDifference, try position(4), try position(3)) }
            let parts = name.split(separator: "_")
            if parts.count == 3, parts[0] == "ratio", parts[1].first == "b", parts[2].first == "b",
               let first = Int(parts[1].dropFirst()), let second = Int(parts[2].dropFirst()) {
                return (.ratio, try position(first), try position(second))
            }
            throw InversionError("no spectral index '\(name)' (\(Self.indexHelp))")
        }
        if let side = stack.focalMeans.first(where: { !FeatureStack.isFocalMeanSide($0) }) {
            throw InversionError("a focal mean's window side must be \(FeatureStack.focalMeanSidesText), not \(side)")
        }
        if !stack.focalMeans.isEmpty && stack.sceneBands.isEmpty { throw InversionError("focal means need scene bands to average") }
    }

    public var featureCount: Int { stack.featureNames.count }
    /// Raw stacked bands read per pixel: the scene bands, then every covariate band.
    public var rawBandCount: Int { stack.sceneBands.count + stack.covariates.reduce(0) { $0 + $1.bands } }
    /// Neighbours the features need on each side of a pixel: the terrain derivatives' and the widest focal mean's.
    public var halo: Int { max(stack.terrain.isEmpty ? 0 : TerrainAnalysis.halo, (stack.focalMeans.max() ?? 1) / 2) }

    /// Bytes per window pixel `features` holds besides its output: the terrain's heights and
    /// derivatives; for focal means the scene bands' reflectance, the flags and `FocalMeans`' sums.
    public var scratchBytesPerPixel: Int {
        (stack.terrain.isEmpty ? 0 : 4 * (1 + stack.terrain.count))
            + (stack.focalMeans.isEmpty ? 0 : 4 * stack.sceneBands.count + 1 + FocalMeans.scratchBytesPerPixel)
    }

    /// The stacked raster's bands to read (1-based): the scene bands, then the covariates' bands,
    /// which follow all `sceneBandCount` bands of the scene.
    public func inputBands(sceneBandCount: Int) -> [Int] {
        stack.sceneBands + (0..<(rawBandCount - stack.sceneBands.count)).map { sceneBandCount + 1 + $0 }
    }

    /// The features of the `(width − 2·halo) × (height − 2·halo)` core of a window of raw values
    /// (`rawBandCount × width × height`, band-sequential), band-sequential; NaN where a feature has
    /// no value. `outside(i)` says which window pixels lie outside the scene (no terrain there, as
    /// gdaldem), `hasData(i)` which hold data in every band (the pixels focal means average).
    public func features(raw: UnsafeBufferPointer<Float>, width: Int, height: Int, outside: (Int) -> Bool,
                         hasData: (Int) -> Bool) throws -> [Float] {
        let h = halo, innerWidth = width - 2 * h, innerHeight = height - 2 * h
        let n = innerWidth * innerHeight, windowCount = width * height
        precondition(innerWidth > 0 && innerHeight > 0 && raw.count >= rawBandCount * windowCount, "the window holds its core and halo")
        var out = [Float](repeating: .nan, count: featureCount * n)
        func copyCore(from band: Int, into feature: Int, transform: (Float) -> Float) {
            for row in 0..<innerHeight {
                let source = band * windowCount + (row + h) * width + h, target = feature * n + row * innerWidth
                for column in 0..<innerWidth { out[target + column] = transform(raw[source + column]) }
            }
        }
        for b in 0..<stack.sceneBands.count {
            if let affine { copyCore(from: b, into: b) { affine.apply(band: b, $0) } } else { copyCore(from: b, into: b) { $0 } }
        }
        for b in stack.sceneBands.count..<rawBandCount { copyCore(from: b, into: b) { $0 } }
        var feature = rawBandCount
        if let terrainBand {
            let heights = (0..<windowCount).map { outside($0) ? Float.nan : raw[terrainBand * windowCount + $0] }
            let derivatives = try heights.withUnsafeBufferPointer {
                try TerrainAnalysis.derivatives(stack.terrain, heights: $0, width: width, height: height, pixelWidth: pixelWidth, pixelHeight: pixelHeight)
            }
            for values in derivatives {
                for row in 0..<innerHeight {
                    for column in 0..<innerWidth { out[feature * n + row * innerWidth + column] = values[(row + h) * width + column + h] }
                }
                feature += 1
            }
        }
        for (kind, first, second) in indexBands {
            for i in 0..<n {
                let a = out[first * n + i], b = out[second * n + i]
                out[feature * n + i] = kind == .ratio ? a / b : (a - b) / (a + b)
            }
            feature += 1
        }
        if !stack.focalMeans.isEmpty {
            // Each scene band's reflectance over the whole window, averaged over the pixels with data.
            let valid = (0..<windowCount).map(hasData)
            let reflectance = (0..<stack.sceneBands.count).map { b in
                (0..<windowCount).map { i -> Float in affine?.apply(band: b, raw[b * windowCount + i]) ?? raw[b * windowCount + i] }
            }
            let core = Window(x: h, y: h, width: innerWidth, height: innerHeight)
            for side in stack.focalMeans {
                var means = FocalMeans(side: side)
                for b in 0..<stack.sceneBands.count {
                    out.withUnsafeMutableBufferPointer { out in
                        means.compute(reflectance[b], included: valid, windowWidth: width, core: core, empty: .nan, into: out.baseAddress! + feature * n)
                    }
                    feature += 1
                }
            }
        }
        return out
    }

    /// The features of the `(2·radius + 1)²` pixels around (column, row) of the stacked raster
    /// `scene` (whose first `sceneBandCount` bands are the scene's), band-sequential: one pixel's
    /// features (radius 0, a sample set row) or a patch model's window. Computed as a map's tile
    /// is: pixels past the scene's edge replicate the nearest one and count as outside (no terrain there).
    public func pixelFeatures(of scene: Raster, column: Int, row: Int, sceneBandCount: Int, radius: Int = 0) throws -> [Float] {
        let reach = radius + halo, side = 2 * reach + 1
        let x0 = max(0, column - reach), y0 = max(0, row - reach)
        let readable = Window(x: x0, y: y0, width: min(scene.width, column + reach + 1) - x0, height: min(scene.height, row + reach + 1) - y0)
        let bands = inputBands(sceneBandCount: sceneBandCount)
        let values = try scene.read(readable, bands: bands, as: Float.self)
        // Nodata as the engine flags it: a band's nodata value or NaN in any band read.
        let nodata = bands.map { scene.bands[$0 - 1].nodata.map(Float.init) }
        var raw = [Float](repeating: .nan, count: bands.count * side * side)
        var outside = [Bool](repeating: false, count: side * side), hasData = [Bool](repeating: true, count: side * side)
        for dy in 0..<side {
            for dx in 0..<side {
                let x = column - reach + dx, y = row - reach + dy, i = dy * side + dx
                let clampedX = min(max(x, readable.x), readable.maxX - 1) - readable.x, clampedY = min(max(y, readable.y), readable.maxY - 1) - readable.y
                outside[i] = x != clampedX + readable.x || y != clampedY + readable.y
                for b in bands.indices {
                    let value = values[b * readable.pixelCount + clampedY * readable.width + clampedX]
                    raw[b * side * side + i] = value
                    if value.isNaN || value == nodata[b] { hasData[i] = false }
                }
                if outside[i] { hasData[i] = false }
            }
        }
        return try raw.withUnsafeBufferPointer { try features(raw: $0, width: side, height: side, outside: { outside[$0] }, hasData: { hasData[$0] }) }
    }
}
