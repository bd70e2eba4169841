/// A band the model reads, as the user knows it (e.g. name "b1"/"blue", number 1 in the scene).
public struct BandDescriptor: Sendable, Hashable, Codable {
    public var name: String
    public var number: Int
    public init(name: String, number: Int) { self.name = name; self.number = number }

    /// GF-2 PMS multispectral bands 1–4 (blue, green, red, near infrared).
    public static let gf2: [BandDescriptor] = [.init(name: "b1", number: 1), .init(name: "b2", number: 2),
                                               .init(name: "b3", number: 3), .init(name: "b4", number: 4)]
}

/// What the model predicts: the samples' value column and its unit, as the user named them ("" when
/// no unit is known: none is invented).
public struct TargetDescriptor: Sendable, Hashable, Codable {
    public var name: String
    public var unit: String
    public init(name: String, unit: String = "") { self.name = name; self.unit = unit }

    /// "treo_ppm (ppm)", or the bare name without a unit: for band descriptions, legends and tables.
    public var label: String { unit.isEmpty ? name : "\(name) (\(unit))" }
    /// The unit of a variance of the values ("ppm²"; "" when there is no unit).
    public var squaredUnit: String { unit.isEmpty ? "" : unit.allSatisfy(\.isLetter) ? "\(unit)²" : "(\(unit))²" }
    /// The label of a variance of the values: "treo_ppm (ppm²)".
    public var squaredLabel: String { unit.isEmpty ? name : "\(name) (\(squaredUnit))" }

    /// The paper's target, RE2O3 in per cent, as PyTorch models exported for the paper record it.
    public static let re2o3 = TargetDescriptor(name: "RE2O3", unit: "%")
}

/// A trained (or imported) regression network with everything needed to apply it to raw band
/// values: architecture and parameters, input layout and bands, standardisation, target, provenance.
public struct Model: Sendable {
    /// The preset the architecture came from, or nil for a custom layer list.
    public var preset: NetworkPreset?
    public var network: Network
    public var inputLayout: InputLayout
    public var bands: [BandDescriptor]
    public var standardisation: Standardisation
    public var target: TargetDescriptor
    public var training: TrainingMetadata?
    /// The identifier of the `train` run that wrote the model folder, stored in each of its files
    /// so that a folder mixing two trainings is refused; nil for models made elsewhere (PyTorch).
    public var trainingRun: String?
    /// The radiometry of the band values it was trained on; nil for models that do not record it
    /// (see `expectedRadiometry`).
    public var radiometry: InputRadiometry?
    /// Covariates, terrain derivatives and indices it reads besides scene bands, in the order of
    /// `bands` (whose names are the feature names); nil: it reads the scene bands `bands` only.
    public var features: FeatureStack?

    /// The scene bands the model reads (the others come from its covariates).
    public var sceneBands: [Int] { features?.sceneBands ?? bands.map(\.number) }

    /// What the model reads: its record, or for a model without one, what its standardisation implies.
    public var expectedRadiometry: InputRadiometry { radiometry ?? .inferred(from: standardisation) }

    public init(preset: NetworkPreset?, network: Network, inputLayout: InputLayout, bands: [BandDescriptor],
                standardisation: Standardisation, target: TargetDescriptor, training: TrainingMetadata? = nil) throws(NetworkError) {
        guard inputLayout.networkInputShape(bands: bands.count) == network.inputShape else {
            throw .invalidInput("layout \(inputLayout) with \(bands.count) bands gives \(inputLayout.networkInputShape(bands: bands.count)), network takes \(network.inputShape)")
        }
        guard bands.allSatisfy({ $0.number >= 1 }) else {
            throw .invalidInput("band numbers \(bands.map(\.number)) must be 1 or more (the scene's first band is 1)")
        }
        guard standardisation.inputMeans.count == bands.count, standardisation.inputStandardDeviations.count == bands.count else {
            throw .invalidInput("standardisation has \(standardisation.inputMeans.count) means and \(standardisation.inputStandardDeviations.count) deviations for \(bands.count) bands")
        }
        guard network.outputShape.count == 1 else { throw .invalidLayer("the network has \(network.outputShape.count) outputs; a regression model needs 1") }
        self.preset = preset
        self.network = network
        self.inputLayout = inputLayout
        self.bands = bands
        self.standardisation = standardisation
        self.target = target
        self.training = training
    }

    /// Raw values a sample holds: `bands × window × window`.
    public var sampleLength: Int { bands.count * inputLayout.window * inputLayout.window }

    /// The standardised network input of one raw sample.
    public func networkInput(sample: [Float]) -> [Double] {
        let window = inputLayout.window
        return inputLayout.featureSources(bands: bands.count).map { source in
            let raw = sample[(source.band * window + source.row) * window + source.column]
            return (Double(raw) - Double(standardisation.inputMeans[source.band])) / Double(standardisation.inputStandardDeviations[source.band])
        }
    }

    /// The reference prediction (scalar, Double) for one raw sample, in target units.
    /// `dropoutStream` makes it one Monte-Carlo dropout pass.
    public func referencePrediction(sample: [Float], dropoutStream: UInt64? = nil) -> Double {
        let output = network.referenceForward(networkInput(sample: sample), dropoutStream: dropoutStream)[0]
        return output * Double(standardisation.targetStandardDeviation) + Double(standardisation.targetMean)
    }
}
