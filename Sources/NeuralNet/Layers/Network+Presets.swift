/// The architectures Regolith trains by name.
public enum NetworkPreset: String, Sendable, Codable, CaseIterable {
    /// The paper's CNN (section 2.6): input 1×4×4 (the 4 bands replicated in 4 rows);
    /// conv 2×2 16 same → ReLU → max-pool 2/2 → conv 2×2 32 same → ReLU → max-pool 2/2 → flatten →
    /// dense 32→64 → ReLU → dropout 0.3 (keep 0.7) → dense 64→1. 11,328 multiply-adds per pixel.
    /// With N ≥ 4 bands (covariates, hyperspectral scenes) the rows hold the N bands and the first
    /// dense layer takes the 32 × ⌊⌊N/2⌋/2⌋ pooled features.
    case paper
    /// Spatial context the paper lacks: a k×k window (k odd ≥ 3) with the bands as channels;
    /// conv 3×3 16 valid → ReLU → [for k ≥ 5: conv 3×3 32 valid → ReLU] → flatten →
    /// dense → 64 → ReLU → dropout 0.3 → dense 64→1. For k = 5 and 4 bands: 11,904 multiply-adds per pixel,
    /// about the paper preset's cost.
    case patch

    /// The layers for `bands` input bands and, for `patch`, window side `size`.
    public func layers(bands: Int, size: Int = 5) -> [Layer] {
        switch self {
        case .paper:
            [.conv2d(inChannels: 1, outChannels: 16, kernel: 2, padding: .same), .relu, .maxPool(size: 2, stride: 2),
             .conv2d(inChannels: 16, outChannels: 32, kernel: 2, padding: .same), .relu, .maxPool(size: 2, stride: 2),
             .flatten, .dense(inFeatures: 32 * (bands / 2 / 2), outFeatures: 64), .relu, .dropout(probability: 0.3),
             .dense(inFeatures: 64, outFeatures: 1)]
        case .patch:
            size >= 5
                ? [.conv2d(inChannels: bands, outChannels: 16, kernel: 3, padding: .valid), .relu,
                   .conv2d(inChannels: 16, outChannels: 32, kernel: 3, padding: .valid), .relu, .flatten,
                   .dense(inFeatures: 32 * (size - 4) * (size - 4), outFeatures: 64), .relu, .dropout(probability: 0.3),
                   .dense(inFeatures: 64, outFeatures: 1)]
                : [.conv2d(inChannels: bands, outChannels: 16, kernel: 3, padding: .valid), .relu, .flatten,
                   .dense(inFeatures: 16 * (size - 2) * (size - 2), outFeatures: 64), .relu, .dropout(probability: 0.3),
                   .dense(inFeatures: 64, outFeatures: 1)]
        }
    }

    /// The input layout: 4 replicated rows for `paper`, a `size`-window for `patch`.
    public func inputLayout(size: Int = 5) -> InputLayout {
        switch self {
        case .paper: .replicatedRows(rows: 4)
        case .patch: .patch(size: size)
        }
    }

    /// A freshly initialised network (PyTorch-like init from `seed`).
    public func network(bands: Int = 4, size: Int = 5, seed: UInt64) throws(NetworkError) -> Network {
        if self == .patch, size < 3 || size % 2 == 0 { throw .invalidLayer("patch size \(size) must be odd and ≥ 3") }
        if self == .paper, bands < 4 { throw .invalidLayer("the paper network pools the bands twice by 2, so it reads at least 4, not \(bands)") }
        return try Network(inputShape: inputLayout(size: size).networkInputShape(bands: bands),
                           layers: layers(bands: bands, size: size), seed: seed)
    }
}
