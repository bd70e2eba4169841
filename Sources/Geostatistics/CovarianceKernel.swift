/// Σₐ wₐ C(|p − xₐ|) over samples in structure-of-arrays form, eight samples per SIMD step, with one
/// loop per model kind (the kind picked once, outside the loop): the inner loop of every prediction
/// without variance. The covariances are `StructureCovariance`'s, as in the scalar `VariogramModel`.
struct CovarianceKernel {
    let kind: VariogramModel.Kind
    let partialSill: Double
    let inverseRange: Double
    /// C at distance zero: the sill for a point prediction, the continuous limit inside a block.
    let atZero: Double

    init(model: VariogramModel, includeNugget: Bool) {
        kind = model.kind
        partialSill = model.partialSill
        inverseRange = model.kind == .nugget ? 0 : 1 / model.range
        atZero = includeNugget ? model.sill : (model.kind == .nugget ? 0 : model.partialSill)
    }

    @inline(__always)
    func weightedSum(x: UnsafePointer<Double>, y: UnsafePointer<Double>, weights: UnsafePointer<Double>, count m: Int,
                     px: Double, py: Double, storingCovariancesIn store: UnsafeMutablePointer<Double>? = nil) -> Double {
        switch kind {
        case .spherical: return Self.weightedSum(x, y, weights, m, px, py, store) { sphericalCovariance(squaredDistance: $0) }
        case .exponential: return Self.weightedSum(x, y, weights, m, px, py, store) { exponentialCovariance(squaredDistance: $0) }
        case .gaussian: return Self.weightedSum(x, y, weights, m, px, py, store) { gaussianCovariance(squaredDistance: $0) }
        case .nugget: return Self.weightedSum(x, y, weights, m, px, py, store) { nuggetCovariance(squaredDistance: $0) }
        }
    }

    /// C at eight squared distances for an exponential model: also the per-pixel form (eight pixels
    /// against one sample) of the far-field grids, which pick the kind outside their loops.
    @inline(__always)
    func exponentialCovariance(squaredDistance d2: SIMD8<Double>) -> SIMD8<Double> {
        Self.exponential(scaledDistance: d2.squareRoot() * inverseRange, partialSill: partialSill).replacing(with: atZero, where: d2 .== 0)
    }

    /// The same for a Gaussian model.
    @inline(__always)
    func gaussianCovariance(squaredDistance d2: SIMD8<Double>) -> SIMD8<Double> {
        Self.gaussian(scaledSquaredDistance: d2 * (inverseRange * inverseRange), partialSill: partialSill)
            .replacing(with: atZero, where: d2 .== 0)
    }

    /// The same for a spherical model (exactly zero beyond the range).
    @inline(__always)
    func sphericalCovariance(squaredDistance d2: SIMD8<Double>) -> SIMD8<Double> {
        Self.spherical(scaledDistance: d2.squareRoot() * inverseRange, partialSill: partialSill).replacing(with: atZero, where: d2 .== 0)
    }

    /// The same for a pure nugget: `atZero` on a sample, nothing elsewhere.
    @inline(__always)
    func nuggetCovariance(squaredDistance d2: SIMD8<Double>) -> SIMD8<Double> {
        SIMD8<Double>().replacing(with: atZero, where: d2 .== 0)
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Double>, _ a: Int) -> SIMD8<Double> {
        UnsafeRawPointer(p + a).loadUnaligned(as: SIMD8<Double>.self)
    }

    /// The loop shared by every kind: eight samples per step, the last m mod 8 as one step whose unused
    /// lanes sit on the point with weight zero. With `store`, the covariances are written there too
    /// (a variance computation needs them).
    @inline(__always)
    private static func weightedSum(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ w: UnsafePointer<Double>, _ m: Int,
                                    _ px: Double, _ py: Double, _ store: UnsafeMutablePointer<Double>?,
                                    _ covariance: (SIMD8<Double>) -> SIMD8<Double>) -> Double {
        var sum = SIMD8<Double>()
        var a = 0
        while a + 8 <= m {
            // No skipping of out-of-range groups here: callers pass mostly in-range samples (local sets,
            // or the global set narrowed by `restrictGlobalSamples`), and the branch cost more than it saved.
            let dx = load(x, a) - px, dy = load(y, a) - py
            let c = covariance(dx * dx + dy * dy)
            if let store { UnsafeMutableRawPointer(store + a).storeBytes(of: c, as: SIMD8<Double>.self) }
            sum += c * load(w, a)
            a += 8
        }
        if a < m {
            var dx = SIMD8<Double>(), dy = SIMD8<Double>(), weight = SIMD8<Double>()
            for lane in 0..<(m - a) {
                dx[lane] = x[a + lane] - px
                dy[lane] = y[a + lane] - py
                weight[lane] = w[a + lane]
            }
            let c = covariance(dx * dx + dy * dy)
            if let store { for lane in 0..<(m - a) { store[a + lane] = c[lane] } }
            sum += c * weight
        }
        return sum.sum()
    }

    // MARK: The one definition of each structure's covariance
    //
    // s·ρ of each basic structure with partial sill s, on eight lanes: the loops below, the far-field
    // and separable Gaussian grids evaluate it on eight distances, the scalar `VariogramModel`
    // (γ = 1 − ρ) on one lane with s = 1, so every path uses the same formula and the same exponential
    // (`VectorMath.exp`). Arguments are distances in units of gstat's range r: t = h/r, or t² for the
    // Gaussian, which then needs no square root. (In this file so that the loops inline them even
    // when files are compiled one by one.)

    /// Spherical: s (1 − 1.5 t + 0.5 t³) for t < 1, exactly zero beyond the range.
    @inline(__always)
    static func spherical(scaledDistance t: SIMD8<Double>, partialSill s: Double) -> SIMD8<Double> {
        (s * (1 - t * (1.5 - 0.5 * t * t))).replacing(with: 0, where: t .>= 1)
    }

    /// Exponential: s e^(−t).
    @inline(__always)
    static func exponential(scaledDistance t: SIMD8<Double>, partialSill s: Double) -> SIMD8<Double> { s * VectorMath.exp(-t) }

    /// Gaussian: s e^(−t²).
    @inline(__always)
    static func gaussian(scaledSquaredDistance t2: SIMD8<Double>, partialSill s: Double) -> SIMD8<Double> { s * VectorMath.exp(-t2) }

    /// ρ at one distance h for range a: the one-lane case of the above with s = 1 (the nugget
    /// structure is 1 at h = 0 and 0 elsewhere).
    @inline(__always)
    static func unit(_ kind: VariogramModel.Kind, distance h: Double, range a: Double) -> Double {
        switch kind {
        case .nugget: return h == 0 ? 1 : 0
        case .spherical: return spherical(scaledDistance: SIMD8(repeating: h / a), partialSill: 1)[0]
        case .exponential: return exponential(scaledDistance: SIMD8(repeating: h / a), partialSill: 1)[0]
        case .gaussian:
            let t = h / a
            return gaussian(scaledSquaredDistance: SIMD8(repeating: t * t), partialSill: 1)[0]
        }
    }
}
