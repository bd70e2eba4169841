/// What a model folder holds, `kind` in its `model.json` (absent: the CNN, so folders written
/// before other kinds existed, and PyTorch exports, read as they did).
public enum ModelKind: String, Sendable, Codable, CaseIterable {
    /// A network: `model.json` + `model.safetensors` (`Model`).
    case cnn
    /// Multiple linear regression: coefficients in `model.json`.
    case mlr
    /// Partial least squares: coefficients on standardised bands and the standardisation in `model.json`.
    case pls
    /// Gradient-boosted trees: `xgboost.json` in XGBoost's own JSON format beside `model.json`.
    case xgboost
}
