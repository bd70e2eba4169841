import Foundation
import RasterIO
import SeededRandom

/// Relative radiometric normalisation of a region's products (`mosaic-products --normalise`): the
/// best-ranked product is the reference; each other product, in rank order, is fitted per band to the
/// mosaic of the better-ranked products as already normalised, over their overlap — so a product
/// that overlaps only a product that overlaps the reference is still chained to it — by a
/// symmetric Theil–Sen line (`TheilSenLine(symmetricX:y:)`: both products are noisy, and a one-way
/// fit would shrink the gain) through its pseudo-invariant pixels (`PseudoInvariantPixels`).
///
/// Memory stays bounded whatever the products' size: the overlap is sampled on a lattice of at most
/// `latticePixels` pixels (a whole-pixel stride, its phase seeded per product), read one lattice row
/// at a time through the products' orthorectified views (as the mosaic reads them, cloud screen
/// included), and the fit takes a seeded subsample of at most `fitPixels` of the invariant pixels.
public struct RelativeNormalisation: Sendable {
    public static let latticePixels = 100_000
    public static let fitPixels = 2_000
    /// Fewer pseudo-invariant overlap pixels than this: the product keeps gain 1, offset 0.
    public static let minimumPixels = 100
    public var seed: UInt64

    public init(seed: UInt64 = 18) { self.seed = seed }

    /// The method in one sentence, for the mosaic's metadata.
    public static let method = "each product after the first in rank order fitted per band to the mosaic of the better-ranked ones (as normalised) over their overlap: symmetric Theil–Sen line (slope: the geometric mean of the median pairwise slope of reference on product and the inverse of that of product on reference; intercept median(y) − slope · median(x)) through at most \(fitPixels) seeded pseudo-invariant pixels (NDVI difference within \(Int(PseudoInvariantPixels.madCut)) × 1.4826 MAD of its median) of a lattice of at most \(latticePixels) overlap pixels; fewer than \(minimumPixels) such pixels: gain 1, offset 0"

    /// The ranked layers with each one's calibration composed with its normalisation, and the
    /// normalisations, both best first.
    public func normalise(_ rankedLayers: [ProductMosaicKernel.Layer], bandCount: Int) throws
        -> (layers: [ProductMosaicKernel.Layer], normalisations: [ProductNormalisation]) {
        guard var normalised = rankedLayers.first.map({ [$0] }) else { return ([], []) }
        var normalisations = [ProductNormalisation.identity(bands: bandCount, note: "the reference (ranked first)")]
        for layer in rankedLayers.dropFirst() {
            let (product, reference) = try overlapSamples(of: layer, reference: normalised, bandCount: bandCount)
            let normalisation = fit(product: product, reference: reference, seed: seed ^ UInt64(layer.sourceIndex))
            var adjusted = layer
            adjusted.calibration = normalisation.composed(with: layer.calibration)
            normalised.append(adjusted)
            normalisations.append(normalisation)
        }
        return (normalised, normalisations)
    }

    /// The reflectance (per band) of `layer` and of the mosaic of `reference` at the lattice pixels of
    /// their overlap where both have data.
    func overlapSamples(of layer: ProductMosaicKernel.Layer, reference: [ProductMosaicKernel.Layer], bandCount: Int) throws
        -> (product: [[Double]], reference: [[Double]]) {
        var product = [[Double]](repeating: [], count: bandCount), target = product
        let parts = reference.map { layer.window.intersection($0.window) }.filter { !$0.isEmpty }
        guard !parts.isEmpty else { return (product, target) }
        let box = Window(x: parts.map(\.x).min()!, y: parts.map(\.y).min()!,
                         width: parts.map(\.maxX).max()! - parts.map(\.x).min()!, height: parts.map(\.maxY).max()! - parts.map(\.y).min()!)
        let stride = Self.latticeStride(width: box.width, height: box.height)
        var generator = SplitMix64(seed: seed ^ (UInt64(layer.sourceIndex) &* SplitMix64.increment))
        let phaseX = generator.index(below: stride), phaseY = generator.index(below: stride)
        let alone = ProductMosaicKernel(rankedLayers: [layer], bandCount: bandCount, rule: "")
        let better = ProductMosaicKernel(rankedLayers: reference, bandCount: bandCount, rule: "")
        for y in Swift.stride(from: box.y + phaseY, to: box.maxY, by: stride) {
            let row = Window(x: box.x, y: y, width: box.width, height: 1)
            let own = try alone.winners(in: row), theirs = try better.winners(in: row)
            for x in Swift.stride(from: phaseX, to: box.width, by: stride)
            where own.source[x] != ProductMosaicKernel.sourceNodata && theirs.source[x] != ProductMosaicKernel.sourceNodata {
                for b in 0..<bandCount {
                    product[b].append(Double(own.values[b * box.width + x]))
                    target[b].append(Double(theirs.values[b * box.width + x]))
                }
            }
        }
        return (product, target)
    }

    /// The smallest whole-pixel stride whose lattice over `width` × `height` pixels has at most `latticePixels`.
    static func latticeStride(width: Int, height: Int) -> Int {
        var stride = max(1, Int(Double(width * height / latticePixels).squareRoot()))
        while ((width + stride - 1) / stride) * ((height + stride - 1) / stride) > latticePixels { stride += 1 }
        return stride
    }

    /// The normalisation of one product from its overlap samples (per band, one value per pixel, data
    /// in both): pseudo-invariant pixels, a seeded subsample of at most `fitPixels` of them, and a
    /// symmetric Theil–Sen line per band mapping the product's reflectance onto the reference's.
    public func fit(product: [[Double]], reference: [[Double]], seed: UInt64) -> ProductNormalisation {
        let bands = product.count, overlap = product.first?.count ?? 0
        guard overlap > 0 else { return .identity(bands: bands, note: "it overlaps no better-ranked product") }
        let invariant = PseudoInvariantPixels.select(product: product, reference: reference)
        guard invariant.count >= Self.minimumPixels else {
            return .identity(bands: bands, overlapPixels: overlap, pixels: invariant.count,
                             note: "only \(invariant.count) pseudo-invariant pixels of \(overlap) sampled in its overlap with the better-ranked products (fewer than \(Self.minimumPixels))")
        }
        let chosen = invariant.count > Self.fitPixels ? Array(invariant.shuffled(seed: seed).prefix(Self.fitPixels)).sorted() : invariant
        var gains: [Double] = [], offsets: [Double] = []
        for b in 0..<bands {
            let line = TheilSenLine(symmetricX: chosen.map { product[b][$0] }, y: chosen.map { reference[b][$0] })
            guard let line, line.slope > 0, line.slope.isFinite, line.intercept.isFinite else {
                return .identity(bands: bands, overlapPixels: overlap, pixels: invariant.count,
                                 note: "band \(b + 1)'s fit gave no positive gain (\(line.map { "\($0.slope)" } ?? "every pixel alike"))")
            }
            gains.append(line.slope)
            offsets.append(line.intercept)
        }
        return ProductNormalisation(gains: gains, offsets: offsets, overlapPixels: overlap, pixels: invariant.count)
    }
}
