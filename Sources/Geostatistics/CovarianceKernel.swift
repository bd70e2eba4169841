import Foundation

/// Σₐ wₐ C(|p − xₐ|) over samples in structure-of-arrays form, eight samples per SIMD step (two AVX registers, two independent chains), with one
/// loop per model kind: the inner loop of every prediction without variance.
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
        case .spherical: return spherical(x, y, weights, m, px, py, store)
        case .exponential: return exponential(x, y, weights, m, px, py, store)
        case .gaussian: return gaussian(x, y, weights, m, px, py, store)
        case .nugget: return nugget(x, y, weights, m, px, py, store)
        }
    }

    /// C at eight squared distances for an exponential model: the per-pixel form (eight pixels against
    /// one sample) of the far-field grids, which pick the kind outside their loops.
    @inline(__always)
    func exponentialCovariance(squaredDistance d2: SIMD8<Double>) -> SIMD8<Double> {
        (partialSill * VectorMath.exp(-(d2.squareRoot() * inverseRange))).replacing(with: atZero, where: d2 .== 0)
    }

    /// The same for a Gaussian model.
    @inline(__always)
    func gaussianCovariance(squaredDistance d2: SIMD8<Double>) -> SIMD8<Double> {
        (partialSill * VectorMath.exp(-(d2 * (inverseRange * inverseRange)))).replacing(with: atZero, where: d2 .== 0)
    }

    /// The same for a spherical model (exactly zero beyond the range).
    @inline(__always)
    func sphericalCovariance(squaredDistance d2: SIMD8<Double>) -> SIMD8<Double> {
        let t = d2.squareRoot() * inverseRange
        return (partialSill * (1 - t * (1.5 - 0.5 * t * t))).replacing(with: 0, where: t .>= 1).replacing(with: atZero, where: d2 .== 0)
    }

    /// Writes the eight covariances at a when the caller (a variance computation) needs them too.
    @inline(__always)
    private static func keep(_ c: SIMD8<Double>, _ store: UnsafeMutablePointer<Double>?, _ a: Int) {
        if let store { UnsafeMutableRawPointer(store + a).storeBytes(of: c, as: SIMD8<Double>.self) }
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Double>, _ a: Int) -> SIMD8<Double> {
        UnsafeRawPointer(p + a).loadUnaligned(as: SIMD8<Double>.self)
    }

    @inline(__always)
    private static func squaredDistances(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ a: Int,
                                         _ px: Double, _ py: Double) -> SIMD8<Double> {
        let dx = load(x, a) - px, dy = load(y, a) - py
        return dx * dx + dy * dy
    }

    private func spherical(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ w: UnsafePointer<Double>, _ m: Int,
                           _ px: Double, _ py: Double, _ store: UnsafeMutablePointer<Double>?) -> Double {
        var sum = SIMD8<Double>()
        var a = 0
        while a + 8 <= m {
            // No skipping of out-of-range groups here: callers pass mostly in-range samples (local sets,
            // or the global set narrowed by `restrictGlobalSamples`), and the branch cost more than it saved.
            let d2 = Self.squaredDistances(x, y, a, px, py)
            let t = d2.squareRoot() * inverseRange
            let c = (partialSill * (1 - t * (1.5 - 0.5 * t * t)))
                .replacing(with: 0, where: t .>= 1).replacing(with: atZero, where: d2 .== 0)
            Self.keep(c, store, a)
            sum += c * Self.load(w, a)
            a += 8
        }
        var total = sum.sum()
        while a < m {
            let dx = x[a] - px, dy = y[a] - py
            let d2 = dx * dx + dy * dy
            let t = d2.squareRoot() * inverseRange
            let c = d2 == 0 ? atZero : t >= 1 ? 0 : partialSill * (1 - t * (1.5 - 0.5 * t * t))
            store?[a] = c
            total += w[a] * c
            a += 1
        }
        return total
    }

    private func exponential(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ w: UnsafePointer<Double>, _ m: Int,
                             _ px: Double, _ py: Double, _ store: UnsafeMutablePointer<Double>?) -> Double {
        var sum = SIMD8<Double>()
        var a = 0
        while a + 8 <= m {
            let d2 = Self.squaredDistances(x, y, a, px, py)
            let c = (partialSill * VectorMath.exp(-(d2.squareRoot() * inverseRange))).replacing(with: atZero, where: d2 .== 0)
            Self.keep(c, store, a)
            sum += c * Self.load(w, a)
            a += 8
        }
        var total = sum.sum()
        while a < m {
            let dx = x[a] - px, dy = y[a] - py
            let d2 = dx * dx + dy * dy
            let c = d2 == 0 ? atZero : partialSill * exp(-(d2.squareRoot() * inverseRange))
            store?[a] = c
            total += w[a] * c
            a += 1
        }
        return total
    }

    private func gaussian(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ w: UnsafePointer<Double>, _ m: Int,
                          _ px: Double, _ py: Double, _ store: UnsafeMutablePointer<Double>?) -> Double {
        // (h/r)² straight from the squared distance: no square root at all.
        let scale = inverseRange * inverseRange
        var sum = SIMD8<Double>()
        var a = 0
        while a + 8 <= m {
            let d2 = Self.squaredDistances(x, y, a, px, py)
            let c = (partialSill * VectorMath.exp(-(d2 * scale))).replacing(with: atZero, where: d2 .== 0)
            Self.keep(c, store, a)
            sum += c * Self.load(w, a)
            a += 8
        }
        var total = sum.sum()
        while a < m {
            let dx = x[a] - px, dy = y[a] - py
            let d2 = dx * dx + dy * dy
            let c = d2 == 0 ? atZero : partialSill * exp(-(d2 * scale))
            store?[a] = c
            total += w[a] * c
            a += 1
        }
        return total
    }

    private func nugget(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ w: UnsafePointer<Double>, _ m: Int,
                        _ px: Double, _ py: Double, _ store: UnsafeMutablePointer<Double>?) -> Double {
        var total = 0.0
        for a in 0..<m {
            let dx = x[a] - px, dy = y[a] - py
            let c = dx * dx + dy * dy == 0 ? atZero : 0
            store?[a] = c
            total += w[a] * c
        }
        return total
    }
}
