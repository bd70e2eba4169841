import RasterIO
import TileEngine

/// The region mosaic of overlapping products, per pixel (halo 0): each region pixel takes the
/// calibrated reflectance of the best-ranked product with data there (`MosaicPriority`), and a
/// source band records which product that was (its 1-based catalogue index; 0: none). Each product
/// is read from its own orthorectified view, which lies on the region grid at a whole-pixel offset,
/// over the part of the tile still without a source; a tile stops reading once every pixel has one.
public struct ProductMosaicKernel: TileKernel {
    /// One product as the mosaic reads it.
    public struct Layer: Sendable {
        /// Its value in the source band: its 1-based index in the catalogue.
        public var sourceIndex: Int
        public var name: String
        /// Its orthorectified view's handles (one per reading thread).
        public var reader: RasterReaderPool
        /// Where its view lies on the region grid.
        public var window: Window
        /// DN → reflectance, per band.
        public var calibration: BandAffine
        /// The view's nodata value per band (nil: every value is data).
        public var nodata: [Float?]

        /// A pixel whose first band's (GF-2's blue) reflectance exceeds this is cloud, no data of this
        /// product (nil: none is).
        public var cloudReflectance: Float?

        /// Whether pixel `i` of `m` DN samples (band-sequential) has data in every band (and is not cloud).
        @inline(__always)
        func hasData(_ samples: [Float], at i: Int, of m: Int, bands: Int) -> Bool {
            for b in 0..<bands {
                let value = samples[b * m + i]
                if value.isNaN || value == nodata[b] { return false }
            }
            if let cloudReflectance, calibration.apply(band: 0, samples[i]) > cloudReflectance { return false }
            return true
        }

        public init(sourceIndex: Int, name: String, reader: RasterReaderPool, window: Window, calibration: BandAffine, nodata: [Float?],
                    cloudReflectance: Float? = nil) {
            self.sourceIndex = sourceIndex
            self.name = name
            self.reader = reader
            self.window = window
            self.calibration = calibration
            self.nodata = nodata
            self.cloudReflectance = cloudReflectance
        }
    }

    /// Best first.
    public let layers: [Layer]
    public let bandCount: Int
    /// The priority's keys and target date, for the signature.
    public let rule: String
    /// Pixels on each side of a seam between two products' areas over which they are blended (0:
    /// none, a hard seam).
    public let feather: Int
    public static let sourceNodata: Float = 0

    /// The layers' calibrations subtract each product's haze (dark-object subtraction): the bands
    /// say "DOS reflectance", as `calibrate --dos` writes them, so a model trained on the mosaic
    /// records its radiometry.
    public let darkObjectSubtraction: Bool

    public init(rankedLayers: [Layer], bandCount: Int, rule: String, feather: Int = 0, darkObjectSubtraction: Bool = false) {
        layers = rankedLayers
        self.bandCount = bandCount
        self.rule = rule
        self.feather = max(0, feather)
        self.darkObjectSubtraction = darkObjectSubtraction
    }

    public var signature: String {
        "mosaic \(rule)\(feather > 0 ? " feather \(feather)" : "")\(darkObjectSubtraction ? " dos" : ""); "
            + layers.map { "\($0.sourceIndex)=\($0.name) at \($0.window) calibration \($0.calibration.signature)" }.joined(separator: "; ")
    }
    public var inputBands: [Int] { [] }
    /// A feathered seam needs to know which product wins the pixels up to `feather` away.
    public var halo: Int { feather }
    public var outputDescriptions: [String] {
        (1...bandCount).map { b in
            (darkObjectSubtraction ? "DOS" : "TOA") + " reflectance b\(b)" + (b <= ReflectanceKernel.bandNames.count ? " (\(ReflectanceKernel.bandNames[b - 1]))" : "")
        } + ["source product (1-based index into the catalogue, 0: none)"]
    }
    public var outputColorInterpretations: [ColorInterpretation] {
        let colours: [ColorInterpretation] = [.blue, .green, .red]
        return (0..<bandCount).map { $0 < colours.count ? colours[$0] : .undefined } + [.undefined]
    }
    public var outputNodata: Float { ReflectanceKernel.nodata }
    public var outputFileBands: [Int] { [bandCount, 1] }
    public var outputFilePixelTypes: [PixelType] { [.float32, .uint16] }
    public var outputFileNodata: [Float] { [ReflectanceKernel.nodata, Self.sourceNodata] }
    /// The reflectance without a predictor: each product's values are an affine map of its integer
    /// DNs, which ZSTD finds repeated as they are and not once the floating-point predictor has split
    /// their bytes (measured on a 2 × 2 province: 140 MB against 230 MB, and faster to write and read).
    public var outputFilePredictors: [Int?] { [1, nil] }
    /// One product's DN over the tile's pixels still without a source at a time (at most a whole tile's); with a
    /// feathered seam, the tile's winners and their reflectance, and the DN of the products blended in.
    public var scratchBytesPerPixel: Int { bandCount * MemoryLayout<Float>.size * (feather > 0 ? 4 : 1) + 1 }

    public func process(_ input: TileInput, into output: UnsafeMutableBufferPointer<Float>) throws {
        let core = input.core
        let n = core.pixelCount
        guard feather > 0 else {
            try choose(in: core, values: output.baseAddress!, source: output.baseAddress! + bandCount * n)
            return
        }
        let window = input.window
        let w = window.pixelCount
        var values = [Float](repeating: 0, count: bandCount * w), source = [Float](repeating: 0, count: w)
        try values.withUnsafeMutableBufferPointer { values in
            try source.withUnsafeMutableBufferPointer { source in
                try choose(in: window, values: values.baseAddress!, source: source.baseAddress!)
                for row in 0..<core.height {
                    let from = (row + feather) * window.width + feather, to = row * core.width
                    for b in 0...bandCount {
                        let plane = b < bandCount ? values.baseAddress! + b * w : source.baseAddress!
                        (output.baseAddress! + b * n + to).update(from: plane + from, count: core.width)
                    }
                }
                try blendSeams(core: core, window: window, source: UnsafeBufferPointer(source), output: output)
            }
        }
    }

    /// The winners of `target` (scene coordinates) as arrays: each pixel's reflectance
    /// (band-sequential) and source index (`sourceNodata`: none); what `RelativeNormalisation` compares.
    func winners(in target: Window) throws -> (values: [Float], source: [Float]) {
        var values = [Float](repeating: 0, count: bandCount * target.pixelCount), source = [Float](repeating: 0, count: target.pixelCount)
        try values.withUnsafeMutableBufferPointer { values in
            try source.withUnsafeMutableBufferPointer { source in try choose(in: target, values: values.baseAddress!, source: source.baseAddress!) }
        }
        return (values, source)
    }

    /// The winners of `target` (scene coordinates): each pixel's source index and that product's
    /// reflectance (band-sequential, `target.pixelCount` per band).
    private func choose(in target: Window, values: UnsafeMutablePointer<Float>, source: UnsafeMutablePointer<Float>) throws {
        let n = target.pixelCount
        for b in 0..<bandCount { (values + b * n).update(repeating: outputNodata, count: n) }
        source.update(repeating: Self.sourceNodata, count: n)
        var unfilled = n
        var samples: [Float] = []
        for layer in layers where unfilled > 0 {
            let covered = target.intersection(layer.window)
            guard !covered.isEmpty else { continue }
            // The bounds of the pixels still without a source, in one read: fewer, larger reads
            // (a warped view, read in strips of 32 rows, took twice as long as in one read).
            let area = Self.unfilledBounds(in: covered, of: target, source: source)
            guard !area.isEmpty else { continue }
            try read(layer, area, into: &samples)
            let m = area.pixelCount
            let index = Float(layer.sourceIndex)
            for row in 0..<area.height {
                for column in 0..<area.width {
                    let pixel = (area.y - target.y + row) * target.width + area.x - target.x + column
                    let i = row * area.width + column
                    guard source[pixel] == Self.sourceNodata, layer.hasData(samples, at: i, of: m, bands: bandCount) else { continue }
                    for b in 0..<bandCount { values[b * n + pixel] = layer.calibration.apply(band: b, samples[b * m + i]) }
                    source[pixel] = index
                    unfilled -= 1
                }
            }
        }
    }

    /// `layer`'s DN over `area` (scene coordinates), band-sequential, into the front of `samples`.
    private func read(_ layer: Layer, _ area: Window, into samples: inout [Float]) throws {
        let m = area.pixelCount
        if samples.count < m * bandCount { samples = [Float](repeating: 0, count: m * bandCount) }
        let local = Window(x: area.x - layer.window.x, y: area.y - layer.window.y, width: area.width, height: area.height)
        try samples.withUnsafeMutableBufferPointer { buffer in
            try layer.reader.withRaster { raster in
                try raster.read(local, bands: Array(1...bandCount), into: UnsafeMutableBufferPointer(rebasing: buffer[0..<(m * bandCount)]))
            }
        }
    }

    /// The products whose areas lie within `feather` pixels of a core pixel won by another,
    /// with their (Euclidean) distance, nearest per product, in source-index order.
    private func neighbours(column: Int, row: Int, window: Window, source: UnsafeBufferPointer<Float>) -> [(index: Int, distance: Float)] {
        let x = column + feather, y = row + feather
        let own = source[y * window.width + x]
        var nearest: [Int: Float] = [:]
        let reach = feather
        guard own != Self.sourceNodata, reach >= 1 else { return [] }
        for dy in -reach...reach {
            for dx in -reach...reach {
                let other = source[(y + dy) * window.width + x + dx]
                guard other != own, other != Self.sourceNodata else { continue }
                let distance = Float(dx * dx + dy * dy).squareRoot()
                guard distance <= Float(feather) else { continue }
                nearest[Int(other)] = min(nearest[Int(other)] ?? distance, distance)
            }
        }
        return nearest.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Feathers the seams: a core pixel won by product A within F = `feather` pixels of the area of
    /// product B (Euclidean distance d to its nearest pixel) takes ((F + 1) · A + (F + 1 − d) · B) /
    /// (F + 1 + F + 1 − d) of their reflectances, summed over every such B that has data at the pixel
    /// (symmetric across the seam); the source band keeps A.
    private func blendSeams(core: Window, window: Window, source: UnsafeBufferPointer<Float>, output: UnsafeMutableBufferPointer<Float>) throws {
        let n = core.pixelCount
        // Each product blended in, read once over the core pixels that need it.
        var needed: [Int: (minX: Int, minY: Int, maxX: Int, maxY: Int)] = [:]
        for row in 0..<core.height {
            for column in 0..<core.width {
                for (index, _) in neighbours(column: column, row: row, window: window, source: source) {
                    let box = needed[index] ?? (Int.max, Int.max, Int.min, Int.min)
                    needed[index] = (min(box.minX, column), min(box.minY, row), max(box.maxX, column), max(box.maxY, row))
                }
            }
        }
        guard !needed.isEmpty else { return }
        var reads: [Int: (area: Window, samples: [Float])] = [:]
        for (index, box) in needed {
            guard let layer = layers.first(where: { $0.sourceIndex == index }) else { continue }
            let area = Window(x: core.x + box.minX, y: core.y + box.minY, width: box.maxX - box.minX + 1, height: box.maxY - box.minY + 1)
                .intersection(layer.window)
            guard !area.isEmpty else { continue }
            var samples: [Float] = []
            try read(layer, area, into: &samples)
            reads[index] = (area, samples)
        }
        let weight = Float(feather + 1)
        for row in 0..<core.height {
            for column in 0..<core.width {
                let others = neighbours(column: column, row: row, window: window, source: source)
                guard !others.isEmpty else { continue }
                let pixel = row * core.width + column
                var sums = (0..<bandCount).map { weight * output[$0 * n + pixel] }
                var total = weight
                for (index, distance) in others {
                    guard let (area, samples) = reads[index].map({ ($0.area, $0.samples) }),
                          let layer = layers.first(where: { $0.sourceIndex == index }) else { continue }
                    let (x, y) = (core.x + column - area.x, core.y + row - area.y)
                    guard x >= 0, y >= 0, x < area.width, y < area.height else { continue }
                    let m = area.pixelCount, i = y * area.width + x
                    guard layer.hasData(samples, at: i, of: m, bands: bandCount) else { continue }
                    for b in 0..<bandCount { sums[b] += (weight - distance) * layer.calibration.apply(band: b, samples[b * m + i]) }
                    total += weight - distance
                }
                for b in 0..<bandCount { output[b * n + pixel] = sums[b] / total }
            }
        }
    }

    /// The smallest window inside `area` (in scene coordinates) holding every pixel of the tile
    /// `core` that has no source yet; empty when there is none.
    static func unfilledBounds(in area: Window, of core: Window, source: UnsafeMutablePointer<Float>) -> Window {
        guard !area.isEmpty else { return area }
        var (minX, minY, maxX, maxY) = (Int.max, Int.max, Int.min, Int.min)
        for y in area.y..<area.maxY {
            let row = (y - core.y) * core.width - core.x
            for x in area.x..<area.maxX where source[row + x] == sourceNodata {
                (minX, maxX) = (min(minX, x), max(maxX, x))
                (minY, maxY) = (min(minY, y), max(maxY, y))
            }
        }
        guard minX <= maxX else { return Window(x: area.x, y: area.y, width: 0, height: 0) }
        return Window(x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1)
    }
}
