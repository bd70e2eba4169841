import Inversion
import NeuralNet

/// Which model `train` and `run` make the map with: `auto` chooses among every candidate by
/// spatial validation (`ModelSelection`); `paper` and `patch` train that network as the paper does;
/// `mlr`, `pls` and `xgboost` map with that regression (the paper CNN still validated beside it).
public enum ModelArchitecture: String, Sendable, Codable, CaseIterable {
    case auto
    case paper
    case patch
    /// Multiple linear regression.
    case mlr
    /// Partial least squares regression.
    case pls
    /// Gradient-boosted trees (XGBoost).
    case xgboost

    /// The network of `paper` and `patch`; nil for the others.
    public var preset: NetworkPreset? {
        switch self {
        case .paper: .paper
        case .patch: .patch
        case .auto, .mlr, .pls, .xgboost: nil
        }
    }

    /// The `ValidationResult.method` of `mlr`, `pls` and `xgboost`'s regression; nil for the others.
    public var regressionMethod: String? {
        switch self {
        case .auto, .paper, .patch: nil
        case .mlr: LinearRegression().name
        case .pls: PartialLeastSquares().name
        case .xgboost: XGBoostRegression().name
        }
    }
}
