/// The pixels of an overlap whose surface looks unchanged between two acquisitions, for a relative
/// radiometric normalisation: those whose NDVI (bands 4 and 3, GF-2's NIR and red) differs between
/// the product and the reference by no more than `madCut` robust standard deviations (1.4826 × MAD)
/// from the median difference. Centring on the median keeps the pixels of a product whose whole
/// calibration is off (which shifts every pixel's NDVI alike) and drops those whose vegetation,
/// water or cloud changed. With fewer than four bands every pixel with positive reflectance counts.
public enum PseudoInvariantPixels {
    public static let madCut = 3.0

    /// Indices of the pixels kept; `product` and `reference` are per band (0-based), one value per
    /// pixel, every pixel with data in both.
    public static func select(product: [[Double]], reference: [[Double]]) -> [Int] {
        let n = product.first?.count ?? 0
        let positive = (0..<n).filter { i in product.indices.allSatisfy { product[$0][i] > 0 && reference[$0][i] > 0 } }
        guard product.count >= 4 else { return positive }
        func ndvi(_ bands: [[Double]], _ i: Int) -> Double { (bands[3][i] - bands[2][i]) / (bands[3][i] + bands[2][i]) }
        let differences = positive.map { ndvi(product, $0) - ndvi(reference, $0) }
        var sorted = differences
        guard let median = TheilSenLine.median(&sorted) else { return [] }
        var deviations = differences.map { abs($0 - median) }
        // A floor on the spread: when most differences are equal (identical pixels) the MAD is 0, and
        // only exact-median samples would be kept.
        let spread = max(1.4826 * (TheilSenLine.median(&deviations) ?? 0), 1e-4)
        return zip(positive, differences).filter { abs($0.1 - median) <= madCut * spread }.map(\.0)
    }
}
