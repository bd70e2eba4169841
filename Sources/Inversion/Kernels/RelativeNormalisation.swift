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
/// `latticeSamples` blocks of `blockSize` × `blockSize` pixels (a whole-pixel stride, its phase seeded
/// per product; each sample the block's mean, where both have data at every pixel), read one lattice row
/// at a time through the products' orthorectified views (as the mosaic reads them, cloud screen
/// included), and the fit takes a seeded subsample of at most `fitSamples` of the invariant samples.
public struct RelativeNormalisation: Sendable {
    public static let latticeSamples = 100_000
    public static let fitSamples = 2_000
    /// Fewer pseudo-invariant overlap samples than this: the product keeps gain 1, offset 0.
    public static let minimumSamples = 100
    public var seed: UInt64

    public init(seed: UInt64 = 18) { self.seed = seed }

    /// The method in one sentence, for the mosaic's metadata.
    public static let method = "each product after the first in rank order fitted per band to the mosaic of the better-ranked ones (as normalised) over their overlap: symmetric Theil–Sen line (slope: the geometric mean of the median pairwise slope of reference on product and the inverse of that of product on reference; intercept median(y) − slope · median(x)) through at most \(fitSamples) seeded pseudo-invariant samples (NDVI difference within \(Int(PseudoInvariantPixels.madCut)) × 1.4826 MAD of its median) of a lattice of at most \(latticeSamples) overlap samples (means of \(blockSize) × \(blockSize) pixels); fewer than \(minimumSamples) such samples: gain 1, offset 0"

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

    /// The reflectance (per band) of `layer` and of the mosaic of `reference` at the lattice samples (block means) of
    /// their overlap where both have data.
    func overlapSamples(of layer: ProductMosaicKernel.Layer, reference: [ProductMosaicKernel.Layer], bandCount: Int) throws
        -> (product: [[Double]], reference: [[Double]]) {
        var product = [[Double]](repeating: [], count: bandCount), target = product
        let parts = reference.map { layer.window.intersection($0.window) }.filter { !$0.isEmpty }
        guard !parts.isEmpty else { return (product, target) }
        let box = Window(x: parts.map(\.x).min()!, y: parts.map(\.y).min()!,
                         width: parts.map(\.maxX).max()! - parts.map(\.x).min()!, height: parts.map(\.maxY).max()! - parts.map(\.y).min()!)
        let block = Self.blockSize
        guard box.width >= block, box.height >= block else { return (product, target) }
        let stride = max(block, Self.latticeStride(width: box.width, height: box.height))
        var generator = SplitMix64(seed: seed ^ (UInt64(layer.sourceIndex) &* SplitMix64.increment))
        let phaseX = generator.index(below: stride - block + 1), phaseY = generator.index(below: stride - block + 1)
        let alone = ProductMosaicKernel(rankedLayers: [layer], bandCount: bandCount, rule: "")
        let better = ProductMosaicKernel(rankedLayers: reference, bandCount: bandCount, rule: "")
        let area = Double(block * block)
        for y in Swift.stride(from: box.y + phaseY, through: box.maxY - block, by: stride) {
            let rows = Window(x: box.x, y: y, width: box.width, height: block), w = rows.pixelCount
            let own = try alone.winners(in: rows), theirs = try better.winners(in: rows)
            for x in Swift.stride(from: phaseX, through: box.width - block, by: stride) {
                let pixels = (0..<block).flatMap { dy in (0..<block).map { dx in dy * box.width + x + dx } }
                guard pixels.allSatisfy({ own.source[$0] != ProductMosaicKernel.sourceNodata && theirs.source[$0] != ProductMosaicKernel.sourceNodata })
                else { continue }
                for b in 0..<bandCount {
                    product[b].append(pixels.reduce(0.0) { $0 + Double(own.values[b * w + $1]) } / area)
                    target[b].append(pixels.reduce(0.0) { $0 + Double(theirs.values[b * w + $1]) } / area)
                }
            }
        }
        return (product, target)
    }

    /// Each sample is the mean of a block of this many pixels on a side, in both products: the
    /// warper resamples each product with its own sub-pixel phase (bilinear smooths some more than
    /// others) and their pixels are not exactly co-registered, which biases a per-pixel fit's gain
    /// (measured on 2 × 2 synthetic provinces: per-pixel gains up to 1.06 between right-calibrated
    /// products, 0.98–1.003 from 3 × 3 means).
    public static let blockSize = 3

    /// The smallest whole-pixel stride whose lattice over `width` × `height` pixels has at most `latticeSamples`.
    static func latticeStride(width: Int, height: Int) -> Int {
        var stride = max(1, Int(Double(width * height / latticeSamples).squareRoot()))
        while ((width + stride - 1) / stride) * ((height + stride - 1) / stride) > latticeSamples { stride += 1 }
        return stride
    }

    /// The normalisation of one product from its overlap samples (per band, one value per sample, data
    /// in both): pseudo-invariant samples, a seeded subsample of at most `fitSamples` of them, and a
    /// symmetric Theil–Sen line per band mapping the product's reflectance onto the reference's.
    public func fit(product: [[Double]], reference: [[Double]], seed: UInt64) -> ProductNormalisation {
        let bands = product.count, overlap = product.first?.count ?? 0
        guard overlap > 0 else { return .identity(bands: bands, note: "it overlaps no better-ranked product") }
        let invariant = PseudoInvariantPixels.select(product: product, reference: reference)
        guard invariant.count >= Self.minimumSamples else {
            return .identity(bands: bands, overlapSamples: overlap, samples: invariant.count,
                             note: "only \(invariant.count) pseudo-invariant samples of \(overlap) in its overlap with the better-ranked products (fewer than \(Self.minimumSamples))")
        }
        let chosen = invariant.count > Self.fitSamples ? Array(invariant.shuffled(seed: seed).prefix(Self.fitSamples)).sorted() : invariant
        var gains: [Double] = [], offsets: [Double] = []
        for b in 0..<bands {
            let line = TheilSenLine(symmetricX: chosen.map { product[b][$0] }, y: chosen.map { reference[b][$0] })
            guard let line, line.slope > 0, line.slope.isFinite, line.intercept.isFinite else {
                return .identity(bands: bands, overlapSamples: overlap, samples: invariant.count,
                                 note: "band \(b + 1)'s fit gave no positive gain (\(line.map { "\($0.slope)" } ?? "every pixel alike"))")
            }
            gains.append(line.slope)
            offsets.append(line.intercept)
        }
        return ProductNormalisation(gains: gains, offsets: offsets, overlapSamples: overlap, samples: invariant.count)
    }
}
