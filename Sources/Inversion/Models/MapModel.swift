import NeuralNet

/// Any model a map can be made with: a network (`Model`) or a feature model (MLR, PLS,
/// gradient-boosted trees). `ModelFolder` saves and loads it, `ContentMapKernel` maps with it.
public enum MapModel: Sendable {
    case network(Model)
    case features(FeatureModel)

    /// A fitted regression (`RegressionMethod.fit`) as a map model: the CNN's network (which has its
    /// own bands and target), or an MLR, PLS or XGBoost fit whose features are `bands`, trained on
    /// values of `radiometry` (which a feature model must know; a network without it infers it from
    /// its standardisation).
    /// With `features`, the model reads that stack (its `descriptors` are the bands).
    public init(fitted: any FittedRegression, bands: [BandDescriptor], target: TargetDescriptor, radiometry: InputRadiometry?,
                features: FeatureStack? = nil) throws {
        if let cnn = fitted as? CNNRegression.Fitted {
            var model = cnn.model
            model.radiometry = radiometry
            model.features = features
            self = .network(model)
        } else {
            guard let radiometry else { throw InversionError("a \(type(of: fitted)) model needs the radiometry of its band values") }
            self = .features(try FeatureModel(fitted: fitted, bands: bands, target: target, radiometry: radiometry, features: features))
        }
    }

    public var kind: ModelKind {
        switch self {
        case .network: .cnn
        case let .features(model): model.kind
        }
    }

    /// "paper", "patch" or "custom" for a network, the kind otherwise.
    public var name: String {
        switch self {
        case let .network(model): model.preset?.rawValue ?? "custom"
        case let .features(model): model.kind.rawValue
        }
    }

    public var bands: [BandDescriptor] {
        switch self {
        case let .network(model): model.bands
        case let .features(model): model.bands
        }
    }

    /// The scene bands it reads (a model reading a feature stack: the stack's scene bands).
    public var sceneBands: [Int] { features?.sceneBands ?? bands.map(\.number) }

    /// The covariates, terrain derivatives, indices and focal means it reads (nil: scene bands only).
    public var features: FeatureStack? {
        switch self {
        case let .network(model): model.features
        case let .features(model): model.features
        }
    }

    public var target: TargetDescriptor {
        switch self {
        case let .network(model): model.target
        case let .features(model): model.target
        }
    }

    public var trainingRun: String? {
        get {
            switch self {
            case let .network(model): model.trainingRun
            case let .features(model): model.trainingRun
            }
        }
        set {
            switch self {
            case var .network(model): model.trainingRun = newValue; self = .network(model)
            case var .features(model): model.trainingRun = newValue; self = .features(model)
            }
        }
    }

    /// The radiometry of the values the model reads (a network without a record: what its standardisation implies).
    public var expectedRadiometry: InputRadiometry {
        switch self {
        case let .network(model): model.expectedRadiometry
        case let .features(model): model.radiometry
        }
    }

    /// Pixels around each pixel the model reads (a patch network's (k − 1)/2).
    public var halo: Int {
        switch self {
        case let .network(model): model.inputLayout.halo
        case .features: 0
        }
    }
}
