import RasterIO

/// What a pixel of a kernel's input holds.
public enum PixelState: UInt8, Sendable {
    /// A real pixel with data in every input band.
    case data = 0
    /// A real pixel that is nodata (or NaN) in at least one input band.
    case nodata = 1
    /// Outside the scene: a copy of the nearest scene pixel (edge replication), for the halo.
    case edge = 2
}

/// One tile's input as a kernel sees it: the core window grown by the kernel's halo on every side,
/// as Float32, band-sequential. Pixels of the halo that fall outside the scene replicate the
/// nearest edge pixel and are flagged `.edge` in `state`.
public struct TileInput {
    /// The pixels the kernel must produce, in scene coordinates.
    public let core: Window
    /// `core` grown by the halo; may extend past the scene.
    public let window: Window
    public let halo: Int
    public let bandCount: Int
    /// `bandCount × window.pixelCount` values, band-sequential, row-major.
    public let samples: UnsafeBufferPointer<Float>
    /// `window.pixelCount` states.
    public let state: UnsafeBufferPointer<UInt8>
    /// Threads the kernel may use for this tile: the engine's share for it (all `--threads` when
    /// one tile is in flight, 1 when every thread has a tile of its own). Kernels that split a tile
    /// never run more workers than this, and start no threads of their own otherwise.
    public let parallelism: Int

    public init(core: Window, window: Window, halo: Int, bandCount: Int, samples: UnsafeBufferPointer<Float>,
                state: UnsafeBufferPointer<UInt8>, parallelism: Int = 1) {
        self.core = core
        self.window = window
        self.halo = halo
        self.bandCount = bandCount
        self.samples = samples
        self.state = state
        self.parallelism = max(1, parallelism)
    }

    /// Index into `state` (and, plus `band × window.pixelCount`, into `samples`) of the pixel at
    /// (column, row) relative to the core's top-left corner; halo pixels have negative or ≥ size offsets.
    @inline(__always)
    public func index(column: Int, row: Int) -> Int {
        (row + halo) * window.width + column + halo
    }

    @inline(__always)
    public func value(band: Int, column: Int, row: Int) -> Float {
        samples[band * window.pixelCount + index(column: column, row: row)]
    }
}

/// A raster-wide operation the engine streams over scenes: it states which input bands it needs,
/// its halo, and its output; the engine owns tiling, memory, threads, I/O, resume and progress.
///
/// The engine writes `outputNodata` itself wherever a core pixel's input is nodata, so kernels
/// only need to care about nodata inside their halo.
public protocol TileKernel: Sendable {
    /// A short name and every parameter that changes the output, e.g. "ndvi red=3 nir=4".
    /// A resumed run must have the same signature.
    var signature: String { get }
    /// Inputs other than the scene that shape the output, by content (compared on resume).
    var contentInputs: [ContentInput] { get }
    /// Input band numbers (1-based, as in `gdal_translate -b`); empty for kernels that only need the
    /// scene's grid (its size and georeferencing), such as kriging onto its pixels.
    var inputBands: [Int] { get }
    /// Pixels of context needed on each side: 0 for per-pixel kernels, (k − 1) / 2 for k × k windows.
    var halo: Int { get }
    var outputDescriptions: [String] { get }
    /// The unit of each output band (GeoTIFF unit type, e.g. "ppm"); empty: none.
    var outputUnitTypes: [String] { get }
    /// How GIS programs should draw each output band (e.g. blue, green, red, undefined for a
    /// reflectance scene); empty: GDAL's default.
    var outputColorInterpretations: [ColorInterpretation] { get }
    var outputNodata: Float { get }
    /// Extra bytes of scratch memory per tile pixel that `process` allocates (for the planner).
    var scratchBytesPerPixel: Int { get }
    /// Scratch bytes each thread working on a tile holds whatever the tile's size (e.g. a kriging
    /// workspace), and bytes the kernel builds once and shares between tiles: both for the planner.
    var scratchBytesPerThread: Int { get }
    var sharedScratchBytes: Int { get }
    /// Tile edges (and the first rows of shard units) must be multiples of this for the output not
    /// to depend on the tiling, e.g. a kriging far field laid out in 128-pixel blocks. The planner
    /// refuses a tile size that breaks it.
    var tileAlignment: Int { get }
    /// Band counts of the output files, in order, summing to the output band count.
    var outputFileBands: [Int] { get }
    /// The outputs' pixel type; the kernel's Float values are converted to it when written.
    var outputPixelType: PixelType { get }
    /// Each output file's pixel type, when the files differ (e.g. Float32 reflectance and a UInt16
    /// band saying which product each pixel came from); by default `outputPixelType` for all.
    var outputFilePixelTypes: [PixelType] { get }
    /// Each output file's nodata value, when the files differ; by default `outputNodata` for all.
    var outputFileNodata: [Float] { get }
    /// Each output file's TIFF predictor; nil (the default): 3 for floating point, 2 for integers.
    var outputFilePredictors: [Int?] { get }

    /// Computes `core.pixelCount × outputDescriptions.count` values, band-sequential, into `output`.
    func process(_ input: TileInput, into output: UnsafeMutableBufferPointer<Float>) throws
}

extension TileKernel {
    public var outputBandCount: Int { outputDescriptions.count }
    /// How the output bands are split over files (e.g. [1, 1]: a map and its variance); by default
    /// all in one file.
    public var outputFileBands: [Int] { [outputBandCount] }
    public var scratchBytesPerPixel: Int { 0 }
    public var scratchBytesPerThread: Int { 0 }
    public var sharedScratchBytes: Int { 0 }
    public var tileAlignment: Int { 1 }
    public var contentInputs: [ContentInput] { [] }
    public var outputUnitTypes: [String] { [] }
    public var outputColorInterpretations: [ColorInterpretation] { [] }
    public var outputPixelType: PixelType { .float32 }
    public var outputFilePixelTypes: [PixelType] { outputFileBands.map { _ in outputPixelType } }
    public var outputFileNodata: [Float] { outputFileBands.map { _ in outputNodata } }
    public var outputFilePredictors: [Int?] { outputFileBands.map { _ in nil } }

    /// Each output band's nodata value: its file's.
    var outputBandNodata: [Float] {
        zip(outputFileBands, outputFileNodata).flatMap { count, nodata in [Float](repeating: nodata, count: count) }
    }
}
