import NeuralNet

/// Which model `train` and `run` make the map with: `auto` chooses among every candidate by
/// spatial validation (`ModelSelection`); `paper` and `patch` train that network as the paper does.
public enum ModelArchitecture: String, Sendable, Codable, CaseIterable {
    case auto
    case paper
    case patch

    /// The network of `paper` and `patch`; nil for `auto`.
    public var preset: NetworkPreset? {
        switch self {
        case .auto: nil
        case .paper: .paper
        case .patch: .patch
        }
    }
}
