import Foundation
import Geostatistics
import RasterIO

/// Builds the surface-to-surface sample set from a reflectance scene and drill samples: each sample
/// is put on its pixel, the pixel's band values are read, and the target is the content kriged from
/// all samples at that pixel (the paper's kriged "surface" sampled at the image's pixels).
public struct SampleSetBuilder {
    public struct Dropped: Sendable, Equatable, Codable {
        public let id: String
        public let line: Int
        public let reason: String
    }

    public struct Result: Sendable {
        public let sampleSet: SampleSet
        public let dropped: [Dropped]
        public let fit: VariogramFit
        /// The experimental variogram the model was fitted to.
        public let variogram: ExperimentalVariogram
        /// The kriging of the targets, reusable for the geochemical map on the scene's grid.
        public let kriging: OrdinaryKriging
        /// Samples the kriging used (inside the scene, distinct locations).
        public let krigedFrom: Int
    }

    public var settings: KrigingSettings
    /// Band numbers to extract (1-based); default all.
    public var bands: [Int]?
    /// Stored values → reflectance, per scene band (nil: the values as stored).
    public var affine: BandAffine?

    /// Covariates, terrain and indices besides the scene bands: features read from `stackedScene`
    /// (the scene with its covariates, `RasterSource.stacking`); `affine` and `bands` then do not apply.
    public var features: FeatureExtractor?
    public var stackedScene: RasterSource?

    public init(settings: KrigingSettings = KrigingSettings(), bands: [Int]? = nil, affine: BandAffine? = nil) {
        self.settings = settings
        self.bands = bands
        self.affine = affine
    }

    public func build(scene path: String, samples: GeochemicalSamples) throws -> Result {
        let scene = try stackedScene?.open() ?? Raster.open(path)
        guard let transform = scene.geoTransform else {
            throw RasterError.needsMapCoordinates(path, for: "putting samples on its pixels")
        }
        let covariateBands = features.map { $0.rawBandCount - $0.stack.sceneBands.count } ?? 0
        let sceneBandCount = scene.bandCount - covariateBands
        let bandList = features?.stack.sceneBands ?? bands ?? Array(1...scene.bandCount)
        for band in bandList where !(1...sceneBandCount).contains(band) {
            throw InversionError("\(path): has \(sceneBandCount) band(s), no band \(band)")
        }
        var dropped: [Dropped] = []
        var located: [(index: Int, column: Int, row: Int)] = []
        var firstAtPixel: [Int: Int] = [:]
        var firstAtPlace: [SIMD2<Double>: Int] = [:]
        var inside: [Int] = []
        for i in 0..<samples.count {
            let place = SIMD2(samples.x[i], samples.y[i])
            if let first = firstAtPlace[place] {
                dropped.append(Dropped(id: samples.ids[i], line: samples.lines[i], reason: "same location as \(samples.ids[first])"))
                continue
            }
            firstAtPlace[place] = i
            guard let pixel = transform.pixel(x: samples.x[i], y: samples.y[i]),
                  pixel.column >= 0, pixel.row >= 0, pixel.column < Double(scene.width), pixel.row < Double(scene.height) else {
                dropped.append(Dropped(id: samples.ids[i], line: samples.lines[i], reason: "outside the scene"))
                continue
            }
            inside.append(i)
            let column = Int(pixel.column), row = Int(pixel.row)
            if let first = firstAtPixel[row * scene.width + column] {
                dropped.append(Dropped(id: samples.ids[i], line: samples.lines[i], reason: "on the same pixel as \(samples.ids[first])"))
                continue
            }
            firstAtPixel[row * scene.width + column] = i
            located.append((i, column, row))
        }
        // Kriging uses every distinct measured location inside the scene, also those sharing a pixel
        // or on nodata pixels: they are measurements all the same.
        guard inside.count >= 3 else {
            throw InversionError("\(samples.path): only \(inside.count) sample(s) fall inside \(path); kriging needs at least 3")
        }
        let points = try SpatialSamples(x: inside.map { samples.x[$0] }, y: inside.map { samples.y[$0] },
                                        z: inside.map { samples.values[$0] })
        let (kriging, fit, variogram) = try settings.kriging(points)
        let nodata = bandList.map { scene.bands[$0 - 1].nodata }
        var rows: [SampleSet.Row] = []
        for (index, column, row) in located {
            let values = try scene.read(Window(x: column, y: row, width: 1, height: 1), bands: bandList, as: Double.self)
            var pixelFeatures: [Double]?
            if let features {
                let computed = try features.pixelFeatures(of: scene, column: column, row: row, sceneBandCount: sceneBandCount).map(Double.init)
                if let missing = computed.indices.first(where: { computed[$0].isNaN }), values.indices.allSatisfy({ values[$0] != nodata[$0] }) {
                    dropped.append(Dropped(id: samples.ids[index], line: samples.lines[index], reason: "nodata in \(features.stack.featureNames[missing])"))
                    continue
                }
                pixelFeatures = computed
            }
            if let band = values.indices.first(where: { values[$0].isNaN || values[$0] == nodata[$0] }) {
                dropped.append(Dropped(id: samples.ids[index], line: samples.lines[index], reason: "nodata in band \(bandList[band])"))
                continue
            }
            let centre = transform.map(column: Double(column) + 0.5, row: Double(row) + 0.5)
            guard let prediction = try kriging.predict(x: centre.x, y: centre.y, variance: false) else {
                dropped.append(Dropped(id: samples.ids[index], line: samples.lines[index], reason: "no sample within the kriging neighbourhood"))
                continue
            }
            rows.append(SampleSet.Row(id: samples.ids[index], x: samples.x[index], y: samples.y[index], column: column, row: row,
                                      pixelX: centre.x, pixelY: centre.y,
                                      bands: pixelFeatures ?? affine.map { $0.selecting(bands: bandList).apply(values) } ?? values, kriged: prediction.value, measured: samples.values[index]))
        }
        guard !rows.isEmpty else {
            throw InversionError("\(samples.path): no sample lies on a valid pixel of \(path)")
        }
        let set = SampleSet(bandNames: features?.stack.featureNames ?? bandList.map { "b\($0)" }, target: samples.valueColumn, rows: rows)
        return Result(sampleSet: set, dropped: dropped, fit: fit, variogram: variogram, kriging: kriging, krigedFrom: inside.count)
    }
}
