/// What every k × k window kernel states the same way: its bands, its window (k odd), the halo
/// (k − 1) / 2, its signature and the names of its output bands.
public struct FocalWindow: Sendable, Equatable {
    public let bands: [Int]
    public let size: Int
    /// The statistic's name in signatures and band descriptions, e.g. "mean".
    public let statistic: String

    public init(bands: [Int], size: Int, statistic: String) {
        precondition(size >= 1 && size % 2 == 1, "the window size must be odd")
        self.bands = bands
        self.size = size
        self.statistic = statistic
    }

    public var halo: Int { (size - 1) / 2 }
    public var signature: String { "focal-\(statistic) \(size)x\(size) bands \(bands.map(String.init).joined(separator: ","))" }
    public var outputDescriptions: [String] { bands.map { "\(statistic) of band \($0) over \(size)×\(size) pixels" } }
}

/// A k × k window kernel: everything but its statistic comes from its `FocalWindow`.
public protocol FocalKernel: TileKernel {
    var window: FocalWindow { get }
}

extension FocalKernel {
    public var bands: [Int] { window.bands }
    public var size: Int { window.size }
    public var signature: String { window.signature }
    public var inputBands: [Int] { window.bands }
    public var halo: Int { window.halo }
    public var outputDescriptions: [String] { window.outputDescriptions }
    public var outputNodata: Float { -9999 }
}
