/// An applicability domain in the Float arithmetic of a tile kernel: which pixels of a band-sequential
/// block lie outside it. Four-band domains (GF-2) are decided 16 pixels per step in SIMD; other band
/// counts and a row's last pixels take `squaredDistance`, the scalar reference, whose operations run in
/// the same order, so both paths decide every pixel alike, including pixels exactly on the boundary.
public struct ApplicabilityDomainMask: Sendable {
    let mean: [Float]
    /// L⁻¹, row-major and lower-triangular (see `ApplicabilityDomain.whitening`).
    let whitening: [Float]
    /// The squared threshold: a pixel is outside when its squared distance exceeds it.
    let limit: Float

    public init(_ domain: ApplicabilityDomain) {
        self.init(mean: domain.mean.map(Float.init), whitening: domain.whitening.map(Float.init),
                  limit: Float(domain.threshold * domain.threshold))
    }

    init(mean: [Float], whitening: [Float], limit: Float) {
        precondition(whitening.count == mean.count * mean.count)
        self.mean = mean
        self.whitening = whitening
        self.limit = limit
    }

    /// ‖L⁻¹(x − μ)‖² of pixel `pixel`, band b at `samples[b · bandStride + pixel]`.
    @inline(__always)
    func squaredDistance(_ samples: UnsafePointer<Float>, bandStride: Int, pixel: Int) -> Float {
        let p = mean.count
        var squared: Float = 0
        for r in 0..<p {
            var v: Float = 0
            for k in 0...r { v += whitening[r * p + k] * (samples[k * bandStride + pixel] - mean[k]) }
            squared += v * v
        }
        return squared
    }

    /// Calls `outside(i)` for every pixel i in 0..<count farther than the limit. A NaN pixel is never
    /// outside: the tile engine writes nodata there itself.
    @inline(__always)
    func forEachOutside(_ samples: UnsafePointer<Float>, bandStride: Int, count: Int, _ outside: (Int) -> Void) {
        var pixel = 0
        if mean.count == 4 {
            // Four bands, 16 pixels per step: the whitened distance is 10 multiply-adds per pixel.
            let m = SIMD4(mean[0], mean[1], mean[2], mean[3])
            let w = whitening
            while pixel + 16 <= count {
                func load(_ b: Int) -> SIMD16<Float> {
                    UnsafeRawPointer(samples + b * bandStride + pixel).loadUnaligned(as: SIMD16<Float>.self) - m[b]
                }
                let d0 = load(0), d1 = load(1), d2 = load(2), d3 = load(3)
                let v0 = w[0] * d0
                let v1 = w[4] * d0 + w[5] * d1
                let v2 = w[8] * d0 + w[9] * d1 + w[10] * d2
                let v3 = w[12] * d0 + w[13] * d1 + w[14] * d2 + w[15] * d3
                let squared = v0 * v0 + v1 * v1 + v2 * v2 + v3 * v3
                let beyond = squared .> limit
                if any(beyond) {
                    for lane in 0..<16 where beyond[lane] { outside(pixel + lane) }
                }
                pixel += 16
            }
        }
        while pixel < count {
            if squaredDistance(samples, bandStride: bandStride, pixel: pixel) > limit { outside(pixel) }
            pixel += 1
        }
    }
}
