import Foundation

/// Tensor-product Chebyshev interpolation on rectangles, as the far-field grids use it: Chebyshev
/// points of the second kind, the barycentric Lagrange basis, and the error bound for functions
/// analytic in a Bernstein polyellipse.
enum ChebyshevInterpolation {
    /// Chebyshev points of the second kind on the interval, the ends exactly at its ends.
    static func chebyshevPoints(_ interval: (Double, Double), _ degree: Int) -> [Double] {
        let middle = (interval.0 + interval.1) / 2, half = (interval.1 - interval.0) / 2
        var nodes = (0...degree).map { middle - half * cos(Double.pi * Double($0) / Double(degree)) }
        (nodes[0], nodes[degree]) = (interval.0, interval.1)
        return nodes
    }

    /// Σᵢ wᵢ·ℓ(t + offsetᵢ): the Lagrange basis averaged over a support axis (itself for a point).
    static func averagedBasis(at t: Double, over axis: [(offset: Double, weight: Double)], nodes: [Double]) -> [Double] {
        if axis.count == 1 && axis[0].offset == 0 { return lagrangeBasis(at: t, nodes: nodes) }
        var basis = [Double](repeating: 0, count: nodes.count)
        for point in axis {
            for (j, value) in lagrangeBasis(at: t + point.offset, nodes: nodes).enumerated() { basis[j] += point.weight * value }
        }
        return basis
    }

    /// The Lagrange basis of Chebyshev points at t, by the barycentric formula (weights (−1)ʲ, halved at
    /// the ends), which is stable for these points; exactly a unit vector at a node.
    static func lagrangeBasis(at t: Double, nodes: [Double]) -> [Double] {
        let degree = nodes.count - 1
        var basis = [Double](repeating: 0, count: nodes.count)
        if let hit = nodes.firstIndex(of: t) {
            basis[hit] = 1
            return basis
        }
        var total = 0.0
        for j in 0...degree {
            basis[j] = barycentricWeight(j, degree: degree) / (t - nodes[j])
            total += basis[j]
        }
        for j in 0...degree { basis[j] /= total }
        return basis
    }

    /// The interpolant of `values` at Chebyshev `nodes`, at t, by the barycentric formula: the same
    /// polynomial as Σⱼ `lagrangeBasis(at: t)`ⱼ·valuesⱼ, without allocating.
    @inline(__always)
    static func interpolate(at t: Double, nodes: [Double], values: UnsafePointer<Double>) -> Double {
        let degree = nodes.count - 1
        var numerator = 0.0, denominator = 0.0
        for j in 0...degree {
            let difference = t - nodes[j]
            if difference == 0 { return values[j] }
            let weight = barycentricWeight(j, degree: degree) / difference
            numerator += weight * values[j]
            denominator += weight
        }
        return numerator / denominator
    }

    /// The barycentric weight of Chebyshev point j of the second kind: (−1)ʲ, halved at the ends.
    @inline(__always)
    static func barycentricWeight(_ j: Int, degree: Int) -> Double {
        (j % 2 == 0 ? 1.0 : -1.0) * (j == 0 || j == degree ? 0.5 : 1)
    }

    /// A pixel's whole interpolation budget for values: 1e-11 of the largest sample magnitude (1e-11
    /// when all are zero, and so are the weights), two orders below the 1e-9 agreement the fast paths
    /// keep with the reference solver, and relative to the data so small-valued contents are held as
    /// tightly.
    static func valueTolerance(_ values: [Double]) -> Double {
        let scale = values.map(abs).max() ?? 0
        return 1e-11 * (scale > 0 ? scale : 1)
    }

    /// Distance from (x, y) to the rectangle xInterval × yInterval (zero inside): what sets how far a
    /// sample's term stays analytic around the rectangle.
    @inline(__always)
    static func distance(from x: Double, _ y: Double, to xInterval: (Double, Double), _ yInterval: (Double, Double)) -> Double {
        let dx = max(xInterval.0 - x, 0, x - xInterval.1), dy = max(yInterval.0 - y, 0, y - yInterval.1)
        return (dx * dx + dy * dy).squareRoot()
    }

    /// The bound on the tensor interpolation error of degree n per unit of the function's largest
    /// magnitude M in the polyellipse with parameters ρₓ, ρ_y > 1: min(Eₓ + Λₙ·E_y, E_y + Λₙ·Eₓ), with
    /// Eₓ = 4ρₓ⁻ⁿ/(ρₓ − 1) (Trefethen, *Approximation Theory and Approximation Practice*, Thm 8.2) and the
    /// Lebesgue constant Λₙ ≤ 2/π·log(n + 1) + 1 (interpolating one axis after the other).
    static func errorFactor(degree: Int, rhoX: Double, rhoY: Double) -> Double {
        let lebesgue = 2 / Double.pi * log(Double(degree + 1)) + 1
        let ex = 4 * pow(rhoX, -Double(degree)) / (rhoX - 1), ey = 4 * pow(rhoY, -Double(degree)) / (rhoY - 1)
        return min(ex + lebesgue * ey, ey + lebesgue * ex)
    }
}
