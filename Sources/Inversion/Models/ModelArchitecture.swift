import NeuralNet

/// The model a map is made with (`train --arch`, `model: {arch: …}` in a run configuration): one of
/// the CNN presets or a regression the validation compares them with.
public enum ModelArchitecture: String, Sendable, Codable, CaseIterable {
    /// The paper's CNN (the 4 bands replicated into a 4×4 input).
    case paper
    /// A CNN on k×k pixel windows.
    case patch
    /// Multiple linear regression.
    case mlr
    /// Partial least squares regression.
    case pls
    /// Gradient-boosted trees (XGBoost).
    case xgboost

    /// The network preset, for the CNN architectures.
    public var networkPreset: NetworkPreset? { NetworkPreset(rawValue: rawValue) }

    /// The `ValidationResult.method` of the architecture's regression (nil for the CNNs).
    public var regressionMethod: String? {
        switch self {
        case .paper, .patch: nil
        case .mlr: LinearRegression().name
        case .pls: PartialLeastSquares().name
        case .xgboost: XGBoostRegression().name
        }
    }
}
