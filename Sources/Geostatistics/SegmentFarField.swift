import Foundation

/// Local-neighbourhood values with a block support along one row segment of a grid, exponential model:
/// for the current system's samples far from the segment, the block-averaged covariance sum is a smooth
/// function of x, evaluated once per segment and system at Chebyshev points and interpolated; the near
/// ones are summed directly as before.
///
/// A block value is Σᵢⱼ wxᵢ·wyⱼ·F(x + dxᵢ, y + dyⱼ) with F the point-support far sum. Per support row j,
/// F(·, y + dyⱼ) is interpolated over the segment widened by the support's x reach, and the rows are
/// combined with their weights into one set of node values W; a pixel then needs Σᵢ wxᵢ·P(x + dxᵢ),
/// P the interpolant of W (barycentric formula, no allocation). Each far sample's term is bounded, as in
/// `ExponentialFarFieldGrid` but along one axis only, by 4|wₐ|·ps·ρ⁻ⁿ/(ρ − 1), ρ = 1 + 0.99·D/h with D its
/// distance from the widened segment's rectangle (support rows included) and h the half-length; a sample
/// is far only when that is below tolerance / (system size), so a pixel errs by less than the tolerance.
///
/// The interpolant depends only on the segment's extent and the system, never on which pixels asked
/// first, so a grid's values do not depend on how it was tiled as long as tiles keep the segments:
/// segments are 16 pixels from a window's first column, and the tile engine's tiles start at multiples
/// of 256 columns and end there or at the scene's edge.
final class SegmentFarField {
    static let degrees = [4, 6, 8, 10, 12, 16]
    /// Pixels a segment is planned for (the grid driver's segment length).
    static let plannedPixels = 16

    private let kernel: CovarianceKernel
    private let support: SupportPoints
    private let tolerance: Double
    private let capacity: Int
    private let maximumDegree: Int

    /// Per cache slot of the workspace: the segment its plan was built for (−1: none), its degree (0: all
    /// samples summed directly), node values W, and the near samples.
    private var builtFor: [Int]
    private var slotDegree: [Int]
    private let nodeWeights: UnsafeMutablePointer<Double>
    private var nearCount: [Int]
    private let nearX: UnsafeMutablePointer<Double>
    private let nearY: UnsafeMutablePointer<Double>
    private let nearW: UnsafeMutablePointer<Double>
    /// Far samples, and each sample's required degree, while a plan is built.
    private let requiredDegree: UnsafeMutablePointer<Double>
    private let farX: UnsafeMutablePointer<Double>
    private let farY: UnsafeMutablePointer<Double>
    private let farW: UnsafeMutablePointer<Double>

    /// The current segment: a serial number, its widened x interval and its row.
    private var serial = 0
    private var active = false
    private var interval = (0.0, 0.0)
    private var row = 0.0
    /// Chebyshev nodes of the current interval by degree (built on first use in the segment; empty
    /// until then).
    private var nodes: [[Double]]
    /// How many plans interpolated (for tests).
    private(set) var interpolatedPlans = 0

    init?(model: VariogramModel, supportPoints: SupportPoints, sampleValues z: [Double], capacity: Int, slots: Int) {
        guard model.kind == .exponential, !supportPoints.isPoint, capacity > 0 else { return nil }
        kernel = CovarianceKernel(model: model, includeNugget: false)
        support = supportPoints
        tolerance = ChebyshevInterpolation.valueTolerance(z)
        self.capacity = capacity
        maximumDegree = Self.degrees.max()!
        nodes = [[Double]](repeating: [], count: maximumDegree + 1)
        builtFor = [Int](repeating: -1, count: slots)
        slotDegree = [Int](repeating: 0, count: slots)
        nodeWeights = .allocate(capacity: slots * (maximumDegree + 1))
        nearCount = [Int](repeating: 0, count: slots)
        (nearX, nearY, nearW) = (.allocate(capacity: slots * capacity), .allocate(capacity: slots * capacity), .allocate(capacity: slots * capacity))
        (farX, farY, farW) = (.allocate(capacity: capacity), .allocate(capacity: capacity), .allocate(capacity: capacity))
        requiredDegree = .allocate(capacity: capacity)
    }

    deinit {
        for pointer in [nodeWeights, nearX, nearY, nearW, farX, farY, farW, requiredDegree] { pointer.deallocate() }
    }

    /// Starts a segment from pixel centre x0 to x1 on row y; values are interpolated until `end`.
    func begin(x0: Double, x1: Double, y: Double) {
        serial += 1
        active = true
        interval = (min(x0, x1) - support.reachX, max(x0, x1) + support.reachX)
        row = y
        for degree in Self.degrees { nodes[degree] = [] }
    }

    func end() { active = false }

    var isActive: Bool { active }

    /// The slot was refilled with another system: its plan no longer applies.
    func invalidate(slot: Int) { builtFor[slot] = -1 }

    /// Σₐ wₐ·C̄(p − xₐ) at (px, row) for the system in `slot` (coordinates and weights given), the far part
    /// interpolated once the slot's plan for this segment is built (on its first pixel).
    func residualSum(slot: Int, x: UnsafePointer<Double>, y: UnsafePointer<Double>, w: UnsafePointer<Double>, count m: Int,
                     at px: Double) -> Double {
        if builtFor[slot] != serial { build(slot: slot, x: x, y: y, w: w, count: m) }
        var sum = 0.0
        let degree = slotDegree[slot]
        if degree > 0 {
            let weights = nodeWeights + slot * (maximumDegree + 1), points = nodes[degree]
            for point in support.axisX { sum += point.weight * ChebyshevInterpolation.interpolate(at: px + point.offset, nodes: points, values: weights) }
        }
        let near = nearCount[slot]
        guard near > 0 else { return sum }
        let base = slot * capacity
        for k in support.weight.indices {
            sum += support.weight[k] * kernel.weightedSum(x: nearX + base, y: nearY + base, weights: nearW + base, count: near,
                                                         px: px + support.dx[k], py: row + support.dy[k])
        }
        return sum
    }

    /// Chooses the slot's degree and far samples for this segment by cost, and computes its node values.
    private func build(slot: Int, x: UnsafePointer<Double>, y: UnsafePointer<Double>, w: UnsafePointer<Double>, count m: Int) {
        builtFor[slot] = serial
        let half = (interval.1 - interval.0) / 2
        let pixels = Double(Self.plannedPixels), supports = Double(support.weight.count)
        let budget = tolerance / Double(max(m, 1))
        // The smallest degree n with 4|wₐ|·ps·ρ⁻ⁿ/(ρ − 1) ≤ budget, per sample (∞ where none is possible):
        // one logarithm pair per sample instead of a power per sample and degree.
        let logBudget = log(budget)
        for a in 0..<m {
            requiredDegree[a] = .infinity
            guard half > 0 else { continue }
            let distance = ChebyshevInterpolation.distance(from: x[a], y[a], to: interval, (row - support.reachY, row + support.reachY))
            guard distance > 0 else { continue }
            let rho = 1 + 0.99 * distance / half
            let magnitude = abs(w[a]) * kernel.partialSill * 4 / (rho - 1)
            requiredDegree[a] = magnitude > 0 ? max(0, (log(magnitude) - logBudget) / log(rho)) : 0
        }
        // Direct: every pixel, support point and sample; interpolated: the nodes of every support row,
        // then per pixel the near samples and a barycentric sum per x offset.
        var best = (degree: 0, cost: pixels * supports * Double(m))
        for degree in Self.degrees {
            var far = 0
            for a in 0..<m where requiredDegree[a] <= Double(degree) { far += 1 }
            let cost = Double(support.axisY.count * (degree + 1) * far) + pixels * supports * Double(m - far)
                + pixels * Double(support.axisX.count * (degree + 1)) / 5
            if cost < best.cost { best = (degree, cost) }
        }
        let degree = best.degree
        slotDegree[slot] = degree
        var far = 0, near = 0
        let base = slot * capacity
        for a in 0..<m {
            if degree > 0 && requiredDegree[a] <= Double(degree) {
                (farX[far], farY[far], farW[far]) = (x[a], y[a], w[a])
                far += 1
            } else {
                (nearX[base + near], nearY[base + near], nearW[base + near]) = (x[a], y[a], w[a])
                near += 1
            }
        }
        nearCount[slot] = near
        guard degree > 0 else { return }
        interpolatedPlans += 1
        if nodes[degree].isEmpty { nodes[degree] = ChebyshevInterpolation.chebyshevPoints(interval, degree) }
        let points = nodes[degree], weights = nodeWeights + slot * (maximumDegree + 1)
        for p in 0...degree {
            var sum = 0.0
            for point in support.axisY {
                // Far samples are never at a node, so the kernel's zero-distance value plays no part.
                sum += point.weight * kernel.weightedSum(x: farX, y: farY, weights: farW, count: far, px: points[p], py: row + point.offset)
            }
            weights[p] = sum
        }
    }
}
