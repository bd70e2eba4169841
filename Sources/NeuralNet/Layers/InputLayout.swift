/// How a pixel's band values (and, for patch models, its neighbours') become the network input.
///
/// A sample is `bands × window × window` raw values, band-major then row-major over the window
/// (window 1 for per-pixel layouts), centred on the pixel.
public enum InputLayout: Sendable, Hashable {
    /// The paper's layout: one channel, `rows` identical rows each holding the bands in order
    /// (`1 × rows × bands`; the paper uses 4 rows of `[b1 b2 b3 b4]`).
    case replicatedRows(rows: Int)
    /// A `size × size` window centred on the pixel (size odd) with the bands as channels
    /// (`bands × size × size`); tiles need a halo of `(size − 1)/2`.
    case patch(size: Int)

    /// Side of the pixel window a sample covers.
    public var window: Int {
        switch self {
        case .replicatedRows: 1
        case let .patch(size): size
        }
    }

    /// Pixels needed on each side of a tile's core.
    public var halo: Int { (window - 1) / 2 }

    public func networkInputShape(bands: Int) -> TensorShape {
        switch self {
        case let .replicatedRows(rows): TensorShape(channels: 1, height: rows, width: bands)
        case let .patch(size): TensorShape(channels: bands, height: size, width: size)
        }
    }

    /// For each network input feature, the band and window cell (row, column in `0..<window`) it copies.
    public func featureSources(bands: Int) -> [(band: Int, row: Int, column: Int)] {
        switch self {
        case let .replicatedRows(rows):
            (0..<rows).flatMap { _ in (0..<bands).map { (band: $0, row: 0, column: 0) } }
        case let .patch(size):
            (0..<bands).flatMap { band in (0..<size * size).map { (band: band, row: $0 / size, column: $0 % size) } }
        }
    }
}

/// Means and standard deviations that standardise inputs (per band) and the target, computed on
/// the training part of the data and stored with the model.
public struct Standardisation: Sendable, Hashable, Codable {
    public var inputMeans: [Float]
    public var inputStandardDeviations: [Float]
    public var targetMean: Float
    public var targetStandardDeviation: Float

    public init(inputMeans: [Float], inputStandardDeviations: [Float], targetMean: Float, targetStandardDeviation: Float) {
        self.inputMeans = inputMeans
        self.inputStandardDeviations = inputStandardDeviations
        self.targetMean = targetMean
        self.targetStandardDeviation = targetStandardDeviation
    }

    /// What makes these statistics unusable, or nil: a zero or non-finite standard deviation divides
    /// every input by zero (all-nodata training bands leave one), a non-finite mean poisons every pixel.
    public var problem: String? {
        for (band, (mean, deviation)) in zip(inputMeans, inputStandardDeviations).enumerated() {
            if !mean.isFinite { return "standardisation.inputMeans[\(band)] is \(mean), not a finite number" }
            if !(deviation.isFinite && deviation > 0) {
                return "standardisation.inputStandardDeviations[\(band)] is \(deviation), not a positive number (was the band all nodata in training?)"
            }
        }
        if !targetMean.isFinite { return "standardisation.targetMean is \(targetMean), not a finite number" }
        if !(targetStandardDeviation.isFinite && targetStandardDeviation > 0) {
            return "standardisation.targetStandardDeviation is \(targetStandardDeviation), not a positive number"
        }
        return nil
    }

    /// The identity (means 0, deviations 1).
    public static func identity(bands: Int) -> Standardisation {
        Standardisation(inputMeans: .init(repeating: 0, count: bands), inputStandardDeviations: .init(repeating: 1, count: bands),
                        targetMean: 0, targetStandardDeviation: 1)
    }

    /// Statistics of the given samples (population standard deviations; a constant gets 1 so it
    /// standardises to 0 instead of dividing by zero).
    public static func fitted(samples: [[Float]], targets: [Float], bands: Int) -> Standardisation {
        func meanAndDeviation(_ values: [Double]) -> (Float, Float) {
            let mean = values.reduce(0, +) / Double(max(values.count, 1))
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(values.count, 1))
            let deviation = variance.squareRoot()
            return (Float(mean), deviation > 0 ? Float(deviation) : 1)
        }
        var means: [Float] = [], deviations: [Float] = []
        for band in 0..<bands {
            var values: [Double] = []
            for sample in samples {
                let perBand = sample.count / bands
                values.append(contentsOf: sample[band * perBand..<(band + 1) * perBand].map(Double.init))
            }
            let (mean, deviation) = meanAndDeviation(values)
            means.append(mean); deviations.append(deviation)
        }
        let (targetMean, targetDeviation) = meanAndDeviation(targets.map(Double.init))
        return Standardisation(inputMeans: means, inputStandardDeviations: deviations,
                               targetMean: targetMean, targetStandardDeviation: targetDeviation)
    }
}
