import Foundation

/// What the range search of a variogram fit optimises.
public enum VariogramFitCriterion: Sendable, Equatable {
    /// The minimum of the weighted SSE (gstat's objective for `fit.method = 7`).
    case leastSquares
    /// The point gstat 2.1's Levenberg–Marquardt iteration converges to. It equals the least-squares
    /// optimum for the spherical and exponential models; for the Gaussian model gstat's derivative with
    /// respect to the range (`da_fn_gaussian` in vario_fn.c) lacks a factor 2h/r, so gstat stops where
    /// that pseudo-gradient vanishes, off the optimum (on meuse log(zinc), range 386.5 instead of 411.4,
    /// with an SSE 9% higher). Use this to reproduce gstat's numbers.
    case gstatCompatible
}

/// A fitted variogram model and its weighted residual sum of squares.
public struct VariogramFit: Sendable, Equatable {
    public let model: VariogramModel
    /// Σ w_j (γ_j − γ(h_j))² with w_j = N_j / h_j²: gstat's `SSErr` attribute for `fit.method = 7`.
    public let weightedSSE: Double
}

extension VariogramModel {
    /// Weighted least squares with gstat's default `fit.method = 7` (weights N_j / h_j²), fitting the
    /// partial sill, the range and the nugget, both sills non-negative.
    ///
    /// For a fixed range the model is linear in (nugget, partial sill), so the sills are solved exactly
    /// (a 2 × 2 non-negative least-squares problem) and only the range is searched: a log-spaced scan over
    /// four decades brackets the best range, golden-section search refines it. This variable-projection
    /// form finds the global optimum that gstat's Levenberg–Marquardt iteration converges to from a sensible
    /// start, and cannot diverge or stall on a bad starting value.
    public static func fit(_ kind: Kind, to variogram: ExperimentalVariogram,
                           criterion: VariogramFitCriterion = .leastSquares) throws -> VariogramFit {
        let problem = try WeightedVariogramProblem(variogram)
        if kind == .nugget {
            let sills = problem.sills(kind: .nugget, range: 0)
            return VariogramFit(model: try VariogramModel(kind: .nugget, partialSill: 0, range: 0, nugget: sills.nugget),
                                weightedSSE: sills.sse)
        }
        let range = criterion == .gstatCompatible ? problem.gstatStationaryRange(kind: kind) : problem.bestRange(kind: kind)
        let sills = problem.sills(kind: kind, range: range)
        guard sills.nugget + sills.partialSill > 0 else { throw GeostatisticsError.constantValues }
        let model = try VariogramModel(kind: kind, partialSill: sills.partialSill, range: range, nugget: sills.nugget)
        return VariogramFit(model: model, weightedSSE: sills.sse)
    }

    /// Fits each kind and keeps the one with the smallest weighted SSE (what gstat's `fit.variogram` does
    /// with a list of models).
    public static func fitBest(to variogram: ExperimentalVariogram,
                               among kinds: [Kind] = [.spherical, .exponential, .gaussian],
                               criterion: VariogramFitCriterion = .leastSquares) throws -> VariogramFit {
        guard !kinds.isEmpty else { throw GeostatisticsError.invalidParameter("no model kinds to choose among") }
        var best: VariogramFit?
        for kind in kinds {
            let fit = try fit(kind, to: variogram, criterion: criterion)
            if best == nil || fit.weightedSSE < best!.weightedSSE { best = fit }
        }
        return best!
    }

    /// gstat's `fit.method = 7` weighted SSE of this model against an experimental variogram.
    public func weightedSSE(against variogram: ExperimentalVariogram) -> Double {
        variogram.bins.reduce(0) { sum, bin in
            let r = bin.gamma - semivariance(bin.meanDistance)
            return sum + Double(bin.pairCount) / (bin.meanDistance * bin.meanDistance) * r * r
        }
    }
}

/// The bins of an experimental variogram with their fit weights N_j / h_j².
struct WeightedVariogramProblem {
    let distance: [Double]
    let gamma: [Double]
    let weight: [Double]

    init(_ variogram: ExperimentalVariogram) throws {
        let bins = variogram.bins.filter { $0.meanDistance > 0 }
        guard bins.count >= 2 else { throw GeostatisticsError.tooFewBins(bins.count) }
        guard bins.contains(where: { $0.gamma > 0 }) else { throw GeostatisticsError.constantValues }
        distance = bins.map(\.meanDistance)
        gamma = bins.map(\.gamma)
        weight = bins.map { Double($0.pairCount) / ($0.meanDistance * $0.meanDistance) }
    }

    /// The non-negative (nugget, partial sill) minimising the weighted SSE for a given range.
    func sills(kind: VariogramModel.Kind, range: Double) -> (nugget: Double, partialSill: Double, sse: Double) {
        var sw = 0.0, sf = 0.0, sff = 0.0, sg = 0.0, sfg = 0.0
        var f = [Double](repeating: 0, count: distance.count)
        for j in distance.indices {
            f[j] = VariogramModel.unitStructure(kind, distance: distance[j], range: range)
            sw += weight[j]; sf += weight[j] * f[j]; sff += weight[j] * f[j] * f[j]
            sg += weight[j] * gamma[j]; sfg += weight[j] * f[j] * gamma[j]
        }
        func sse(_ c0: Double, _ c1: Double) -> Double {
            var s = 0.0
            for j in distance.indices {
                let r = gamma[j] - c0 - c1 * f[j]
                s += weight[j] * r * r
            }
            return s
        }
        let determinant = sw * sff - sf * sf
        if kind != .nugget, determinant > 1e-12 * sw * sff {
            let c1 = (sw * sfg - sf * sg) / determinant
            let c0 = (sg - c1 * sf) / sw
            if c0 >= 0, c1 >= 0 { return (c0, c1, sse(c0, c1)) }
        }
        // The unconstrained optimum is infeasible (or the two columns are collinear): the constrained one
        // lies on an edge, with one of the sills at zero.
        let nuggetOnly = max(0, sg / sw)
        let structureOnly = sff > 0 ? max(0, sfg / sff) : 0
        let nuggetSSE = sse(nuggetOnly, 0)
        if kind == .nugget { return (nuggetOnly, 0, nuggetSSE) }
        let structureSSE = sse(0, structureOnly)
        return structureSSE <= nuggetSSE ? (0, structureOnly, structureSSE) : (nuggetOnly, 0, nuggetSSE)
    }

    /// The range minimising the profile SSE: scan, then golden-section search around the best scan point.
    func bestRange(kind: VariogramModel.Kind) -> Double {
        let hMax = distance.max()!
        let low = log(hMax * 1e-3), high = log(hMax * 1e2)
        let steps = 400
        func profile(_ logRange: Double) -> Double { sills(kind: kind, range: exp(logRange)).sse }
        var bestIndex = 0, bestValue = Double.infinity
        for i in 0...steps {
            let value = profile(low + (high - low) * Double(i) / Double(steps))
            if value < bestValue { (bestIndex, bestValue) = (i, value) }
        }
        let step = (high - low) / Double(steps)
        var a = low + step * Double(max(bestIndex - 1, 0)), b = low + step * Double(min(bestIndex + 1, steps))
        let inverseGolden = (5.0.squareRoot() - 1) / 2
        var c = b - inverseGolden * (b - a), d = a + inverseGolden * (b - a)
        var fc = profile(c), fd = profile(d)
        while b - a > 1e-12 {
            if fc <= fd {
                (b, d, fd) = (d, c, fc)
                c = b - inverseGolden * (b - a)
                fc = profile(c)
            } else {
                (a, c, fc) = (c, d, fd)
                d = a + inverseGolden * (b - a)
                fd = profile(d)
            }
        }
        return exp((a + b) / 2)
    }

    /// gstat's derivative of the unit structure with respect to the range (vario_fn.c `da_fn_*`).
    static func gstatRangeDerivative(_ kind: VariogramModel.Kind, distance h: Double, range a: Double) -> Double {
        switch kind {
        case .nugget: return 0
        case .spherical:
            if h > a { return 0 }
            let hr2 = h / (a * a)
            return 1.5 * hr2 * (-1 + h * hr2)
        case .exponential: return -h / (a * a) * exp(-h / a)
        case .gaussian:
            let hr = h / a
            return -hr / a * exp(-hr * hr) // the true derivative has a further factor 2h/a
        }
    }

    /// The range where gstat's Gauss–Newton step vanishes: with the sills solved exactly, the root of
    /// Σ w_j r_j ∂̃f_j/∂a using gstat's range derivative, taking the root (a minimum of gstat's implied
    /// objective) nearest the least-squares optimum.
    func gstatStationaryRange(kind: VariogramModel.Kind) -> Double {
        let optimum = bestRange(kind: kind)
        guard kind == .gaussian else { return optimum }
        func pseudoGradient(_ logRange: Double) -> Double {
            let a = exp(logRange)
            let s = sills(kind: kind, range: a)
            var sum = 0.0
            for j in distance.indices {
                let r = gamma[j] - s.nugget - s.partialSill * VariogramModel.unitStructure(kind, distance: distance[j], range: a)
                sum += weight[j] * r * Self.gstatRangeDerivative(kind, distance: distance[j], range: a)
            }
            return -s.partialSill * sum
        }
        let hMax = distance.max()!
        let low = log(hMax * 1e-3), high = log(hMax * 1e2)
        let steps = 400
        var best: (low: Double, high: Double)?
        var previous = (log: low, value: pseudoGradient(low))
        for i in 1...steps {
            let x = low + (high - low) * Double(i) / Double(steps)
            let value = pseudoGradient(x)
            if previous.value < 0 && value >= 0 {
                let bracket = (previous.log, x)
                if best == nil || abs(bracket.0 - log(optimum)) < abs(best!.low - log(optimum)) { best = bracket }
            }
            previous = (x, value)
        }
        guard var (a, b) = best else { return optimum }
        while b - a > 1e-13 {
            let middle = (a + b) / 2
            if pseudoGradient(middle) < 0 { a = middle } else { b = middle }
        }
        return exp((a + b) / 2)
    }
}
