import RasterIO
import TileEngine

/// The region mosaic of overlapping products, per pixel (halo 0): each region pixel takes the
/// calibrated reflectance of the best-ranked product with data there (`MosaicPriority`), and a
/// source band records which product that was (its 1-based catalogue index; 0: none). Each product
/// is read through its own orthorectified view, which lies on the region grid at a whole-pixel
/// offset, so only the part of it inside the tile is warped; a tile stops reading once every
/// pixel has a source.
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

        public init(sourceIndex: Int, name: String, reader: RasterReaderPool, window: Window, calibration: BandAffine, nodata: [Float?]) {
            self.sourceIndex = sourceIndex
            self.name = name
            self.reader = reader
            self.window = window
            self.calibration = calibration
            self.nodata = nodata
        }
    }

    /// Best first.
    public let layers: [Layer]
    public let bandCount: Int
    /// The priority's keys and target date, for the signature.
    public let rule: String
    public static let sourceNodata: Float = 0

    public init(rankedLayers: [Layer], bandCount: Int, rule: String) {
        layers = rankedLayers
        self.bandCount = bandCount
        self.rule = rule
    }

    public var signature: String {
        "mosaic \(rule); " + layers.map { "\($0.sourceIndex)=\($0.name) at \($0.window) calibration \($0.calibration.signature)" }.joined(separator: "; ")
    }
    public var inputBands: [Int] { [] }
    public var halo: Int { 0 }
    public var outputDescriptions: [String] {
        (1...bandCount).map { b in
            "TOA reflectance b\(b)" + (b <= ReflectanceKernel.bandNames.count ? " (\(ReflectanceKernel.bandNames[b - 1]))" : "")
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
    /// One product's DN of a strip of the tile at a time (bounded by a whole tile's).
    public var scratchBytesPerPixel: Int { bandCount * MemoryLayout<Float>.size + 1 }

    public func process(_ input: TileInput, into output: UnsafeMutableBufferPointer<Float>) throws {
        let core = input.core
        let n = core.pixelCount
        for b in 0..<bandCount { (output.baseAddress! + b * n).update(repeating: outputNodata, count: n) }
        let source = output.baseAddress! + bandCount * n
        source.update(repeating: Self.sourceNodata, count: n)
        var unfilled = n
        var samples: [Float] = []
        for layer in layers where unfilled > 0 {
            let covered = core.intersection(layer.window)
            guard !covered.isEmpty else { continue }
            // Only the parts of the product's window that hold pixels still without a source are
            // warped (the warper is the cost), strip by strip: the L-shaped rest of a product that a
            // better one overlaps would otherwise be read whole.
            for stripY in stride(from: covered.y, to: covered.maxY, by: Self.stripRows) {
                let strip = Window(x: covered.x, y: stripY, width: covered.width, height: min(Self.stripRows, covered.maxY - stripY))
                let area = Self.unfilledBounds(in: strip, of: core, source: source)
                guard !area.isEmpty else { continue }
                try fill(area, from: layer, core: core, output: output, samples: &samples, unfilled: &unfilled)
            }
        }
    }

    /// Rows of a product read at once: small enough that the pixels already filled by better
    /// products are seldom warped again, large enough that a read's fixed cost does not count.
    static let stripRows = 32

    /// Gives the pixels of `area` (in scene coordinates, inside `core`) that have no source yet and
    /// have data in `layer` that layer's reflectance and index.
    private func fill(_ area: Window, from layer: Layer, core: Window, output: UnsafeMutableBufferPointer<Float>,
                      samples: inout [Float], unfilled: inout Int) throws {
        let n = core.pixelCount, m = area.pixelCount
        let source = output.baseAddress! + bandCount * n
        if samples.count < m * bandCount { samples = [Float](repeating: 0, count: m * bandCount) }
        let local = Window(x: area.x - layer.window.x, y: area.y - layer.window.y, width: area.width, height: area.height)
        try samples.withUnsafeMutableBufferPointer { buffer in
            try layer.reader.withRaster { raster in
                try raster.read(local, bands: Array(1...bandCount), into: UnsafeMutableBufferPointer(rebasing: buffer[0..<(m * bandCount)]))
            }
        }
        let index = Float(layer.sourceIndex)
        for row in 0..<area.height {
            for column in 0..<area.width {
                let target = (area.y - core.y + row) * core.width + area.x - core.x + column
                guard source[target] == Self.sourceNodata else { continue }
                let i = row * area.width + column
                var hasData = true
                for b in 0..<bandCount {
                    let value = samples[b * m + i]
                    if value.isNaN || value == layer.nodata[b] { hasData = false }
                }
                guard hasData else { continue }
                for b in 0..<bandCount { output[b * n + target] = layer.calibration.apply(band: b, samples[b * m + i]) }
                source[target] = index
                unfilled -= 1
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
