/// The shape of one sample's activations, channels × height × width (PyTorch's C, H, W without N).
/// Features are numbered as PyTorch's `flatten` numbers them: `channel·height·width + row·width + column`.
public struct TensorShape: Sendable, Hashable, Codable, CustomStringConvertible {
    public var channels: Int
    public var height: Int
    public var width: Int

    public init(channels: Int, height: Int, width: Int) {
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// Activations per sample above this are refused when a network is built: 64 MiB of float32
    /// for one pixel, far above any real model (the patch network's largest layer holds under a
    /// million), and far from `Int`'s limits, so counts of them cannot overflow.
    public static let largestCount = 1 << 24

    public var count: Int { channels * height * width }

    /// Why this shape cannot hold a sample's activations (a dimension below 1, or more than
    /// `largestCount` values), or nil.
    public var problem: String? {
        guard channels >= 1, height >= 1, width >= 1 else { return "shape \(self) has a dimension below 1" }
        guard let count = [channels, height, width].checkedProduct, count <= Self.largestCount else {
            return "shape \(self) has more than \(Self.largestCount) values per sample"
        }
        return nil
    }
    public var positions: Int { height * width }
    public var description: String { "\(channels)×\(height)×\(width)" }
}
