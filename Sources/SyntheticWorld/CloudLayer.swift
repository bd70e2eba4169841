import RasterIO

/// Clouds over one product: a smooth random field `g` (exponential covariance, `range` metres)
/// turned into opacity `α = clamp((g − threshold) / softness, 0, 1)`, each band's reflectance seen
/// as `(1 − α) ρ_ground + α ρ_cloud`. The clouds lie on the ground position they hide (no parallax,
/// no shadows): enough to make a cloudy product's pixels wrong where its XML says they are.
public struct CloudLayer: Sendable {
    let field: RandomField
    public let threshold: Double
    public let softness: Double
    /// Top-of-atmosphere reflectance of thick cloud, blue, green, red, NIR: bright and nearly flat.
    public let reflectance: SIMD4<Double>

    /// Clouds that hide `cover` (0…1) of `window`'s pixels at least half: the threshold is the
    /// field's quantile there, so a small product is as cloudy as a large one.
    public init(seed: UInt64, cover: Double, over window: Window, pixelSize: Double, range: Double = 400, softness: Double = 0.4,
                reflectance: SIMD4<Double> = [0.52, 0.53, 0.54, 0.55]) {
        field = RandomField(hash: WorldHash(seed: seed), stream: .clouds, range: range, spacing: 32)
        let lattice = field.lattice(covering: window, pixelSize: pixelSize)
        var values: [Double] = []
        values.reserveCapacity(window.pixelCount)
        for row in window.y..<window.maxY {
            for column in window.x..<window.maxX { values.append(lattice.value(px: column, py: row)) }
        }
        values.sort()
        let quantile = values[min(values.count - 1, max(0, Int((1 - cover) * Double(values.count))))]
        // Opacity ½ at the quantile.
        threshold = quantile - softness / 2
        self.softness = softness
        self.reflectance = reflectance
    }

    /// Opacity for a field value `g`.
    @inline(__always)
    func opacity(_ g: Double) -> Double { min(1, max(0, (g - threshold) / softness)) }

    /// `ground` seen through the cloud at a position where the field's value is `g`.
    @inline(__always)
    func cover(_ ground: SIMD4<Double>, field g: Double) -> SIMD4<Double> {
        let a = opacity(g)
        return a == 0 ? ground : (1 - a) * ground + a * reflectance
    }

    /// The share of the window's pixels (centres, world grid) that the clouds hide at least half,
    /// as a product XML's `CloudPercent` states it (in %, rounded to whole percent).
    public func cloudPercent(over window: Window, pixelSize: Double) -> Int {
        let lattice = field.lattice(covering: window, pixelSize: pixelSize)
        var cloudy = 0
        for row in window.y..<window.maxY {
            for column in window.x..<window.maxX where opacity(lattice.value(px: column, py: row)) >= 0.5 { cloudy += 1 }
        }
        return Int((100 * Double(cloudy) / Double(window.pixelCount)).rounded())
    }
}
