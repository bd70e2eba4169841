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

    public var count: Int { channels * height * width }
    public var positions: Int { height * width }
    public var description: String { "\(channels)×\(height)×\(width)" }
}
