import Geostatistics
import Inversion
import NeuralNet
import RasterIO

/// The surface-to-surface sample set (`samples`, and step 2 of `run`): the samples put into the
/// scene's CRS, each on its pixel, with the pixel's bands and the content kriged there.
public struct SampleSetConstruction: Sendable {
    public var scene: String
    public var samples: String
    public var column: String
    /// The value column's unit ("" when none is known).
    public var unit: String = ""
    public var samplesCRS: SpatialReference
    public var kriging: KrigingSettings
    public var format: SampleTableFormat
    /// Stored values → reflectance, per scene band (`SceneInput.storedToReflectance`); nil: as stored.
    public var affine: BandAffine?
    /// Covariates, terrain derivatives and indices as extra feature columns (none by default).
    public var covariates = CovariateSettings()

    public init(scene: String, samples: String, column: String, samplesCRS: SpatialReference, kriging: KrigingSettings,
                format: SampleTableFormat = SampleTableFormat()) {
        self.scene = scene
        self.samples = samples
        self.column = column
        self.samplesCRS = samplesCRS
        self.kriging = kriging
        self.format = format
    }

    public struct Summary: Codable, Sendable, CustomStringConvertible {
        public var source: String
        /// The value column and its unit, e.g. "treo_ppm (ppm)".
        public var value: String
        public var samplesRead: Int
        public var inSampleSet: Int
        public var krigedFrom: Int
        public var variogram: FittedVariogram
        /// The experimental semivariances the model was fitted to (gstat's bins).
        public var experimentalVariogram: [VariogramBin]
        /// The measured contents of the sample set's samples (its histogram in the report).
        public var measured: [Double]
        public var dropped: [SampleSetBuilder.Dropped]

        public var description: String {
            let reasons = Dictionary(grouping: dropped, by: { $0.reason.components(separatedBy: " as ").first ?? $0.reason })
                .map { "\($0.value.count) \($0.key)" }.sorted().joined(separator: ", ")
            return """
                samples      \(samplesRead) in \(source) (\(value)); \(inSampleSet) in the sample set\(dropped.isEmpty ? "" : ", dropped: \(reasons)")
                variogram    \(variogram.summary), from \(krigedFrom) samples
                """
        }
    }

    public struct Result: Sendable {
        public let built: SampleSetBuilder.Result
        public let summary: Summary
        public var sampleSet: SampleSet { built.sampleSet }
    }

    public func run() throws -> Result {
        let raster = try Raster.open(scene)
        let table = try GeochemicalSamples(path: samples, valueColumn: column, sourceCRS: samplesCRS, targetCRS: raster.spatialReference,
                                           format: format)
        if let extent = raster.extent {
            try table.requireNear(scene: scene, extent: extent, crs: raster.spatialReference, margin: 0)
        }
        let built: SampleSetBuilder.Result
        do {
            var builder = SampleSetBuilder(settings: kriging, affine: affine)
            if !covariates.isEmpty {
                let stack = try covariates.featureStack(sceneBands: Array(1...raster.bandCount))
                guard let transform = raster.geoTransform else { throw RasterError.needsMapCoordinates(scene, for: "covariates") }
                builder.features = try FeatureExtractor(stack: stack, affine: affine?.selecting(bands: stack.sceneBands),
                                                        pixelWidth: transform.pixelWidth, pixelHeight: transform.pixelHeight)
                builder.stackedScene = RasterSource.file(scene).stacking(covariates.covariates)
            }
            built = try builder.build(scene: scene, samples: table)
        } catch let error as GeostatisticsError {
            throw InversionError("\(samples): \(error)")
        }
        let summary = Summary(source: samples, value: TargetDescriptor(name: column, unit: unit).label, samplesRead: table.count,
                              inSampleSet: built.sampleSet.count, krigedFrom: built.krigedFrom, variogram: FittedVariogram(built.fit.model),
                              experimentalVariogram: built.variogram.bins, measured: built.sampleSet.rows.map(\.measured), dropped: built.dropped)
        return Result(built: built, summary: summary)
    }
}

/// A fitted variogram model as numbers, for reports.
public struct FittedVariogram: Codable, Sendable, Equatable {
    public var kind: String
    public var partialSill: Double
    public var range: Double
    public var nugget: Double
    public var practicalRange: Double

    public init(_ model: VariogramModel) {
        kind = model.kind.rawValue
        partialSill = model.partialSill
        range = model.range
        nugget = model.nugget
        practicalRange = model.practicalRange
    }

    /// The model itself, to evaluate γ(h) (nil if the numbers do not make one).
    public var model: VariogramModel? {
        VariogramModel.Kind(rawValue: kind).flatMap { try? VariogramModel(kind: $0, partialSill: partialSill, range: range, nugget: nugget) }
    }

    public var summary: String {
        String(format: "%@: partial sill %.4g, range %.4g, nugget %.4g (0.95 of the sill at %.4g)", kind, partialSill, range, nugget, practicalRange)
    }
}
