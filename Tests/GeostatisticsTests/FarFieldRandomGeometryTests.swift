import Foundation
import Testing
@testable import Geostatistics
import SeededRandom

/// The far-field error bounds on random geometries: sample counts, spread and clustered samples (also
/// beyond the grid), ranges short and long against the 128-pixel block, nuggets, odd grid sizes, odd
/// origins and lattice anchors cutting blocks. Every pixel of the fast grid against the direct
/// per-location computation must stay within the proven bound; the planners work at that bound (a
/// sample or block is interpolated as soon as its bound is met), so a wrong bound shows up as a
/// difference beyond it on some geometry. The bounds are worst cases: measured differences reach 0.5 %
/// of the value bound, 0.05 % of the segment bound and 2.6 % of the variance bound on these geometries.
@Suite("Far-field bounds on random geometries")
struct FarFieldRandomGeometryTests {
    struct Geometry: CustomStringConvertible {
        let window: GridWindow
        let samples: SpatialSamples
        let gridOrigin: (x: Double, y: Double)?
        let range: Double
        let nugget: Double
        let support: KrigingSupport
        let layout: String

        var description: String {
            "\(window.width)×\(window.height) px of \(window.pixelWidth) m, \(samples.count) \(layout) samples, range \(range), nugget \(nugget), \(support), anchor \(gridOrigin.map { "\($0)" } ?? "none")"
        }

        /// `farSamples` favours geometries where the variance grid has far fields to plan: many samples,
        /// spread or beyond the grid, short ranges, and a lattice anchor (blocks planned for all their
        /// pixels, as in a tiled scene).
        static func random(_ generator: inout SplitMix64, maxPixels: Int, farSamples: Bool = false) throws -> Geometry {
            let pixel = [0.5, 1, 2.5, 4, 10].randomElement(using: &generator)! * Double.random(in: 0.8...1.2, using: &generator)
            let width = 2 * Int.random(in: 16...110, using: &generator) + 1
            let height = max(9, min(2 * Int.random(in: 16...110, using: &generator) + 1, maxPixels / width) | 1)
            let window = try GridWindow(originX: Double.random(in: -20_000...20_000, using: &generator),
                                        originY: Double.random(in: -20_000...20_000, using: &generator),
                                        pixelWidth: pixel, pixelHeight: -pixel, width: width, height: height)
            let extentX = Double(width) * pixel, extentY = Double(height) * pixel
            // Short ranges (a few pixels) to long ones (several 128-pixel blocks), log-uniform.
            let block = 128 * pixel
            let range = block * exp(Double.random(in: log(0.03)...log(farSamples ? 0.7 : 4), using: &generator))
            let count = Int.random(in: farSamples ? 60...140 : 8...140, using: &generator)
            let layouts = farSamples ? ["spread", "beyond the grid"] : ["spread", "clustered", "beyond the grid"]
            let layout = layouts.randomElement(using: &generator)!
            let centres = (0..<Int.random(in: 1...4, using: &generator)).map { _ in
                (Double.random(in: -0.2...1.2, using: &generator), Double.random(in: -0.2...1.2, using: &generator))
            }
            let clusterSpread = Double.random(in: 0.01...0.15, using: &generator)
            var x: [Double] = [], y: [Double] = [], z: [Double] = []
            let level = [0.0, 3, 250].randomElement(using: &generator)!
            for a in 0..<count {
                var (u, v): (Double, Double)
                switch layout {
                case "spread": (u, v) = (Double.random(in: 0...1, using: &generator), Double.random(in: 0...1, using: &generator))
                case "clustered":
                    let centre = centres[a % centres.count]
                    (u, v) = (centre.0 + clusterSpread * Double.random(in: -1...1, using: &generator),
                              centre.1 + clusterSpread * Double.random(in: -1...1, using: &generator))
                default: (u, v) = (Double.random(in: -1.5...2.5, using: &generator), Double.random(in: -1.5...2.5, using: &generator))
                }
                let px = window.originX + u * extentX, py = window.originY - v * extentY
                x.append(px)
                y.append(py)
                let trend: Double = sin(px / (0.7 * range)) + cos(py / (1.3 * range))
                z.append(level + trend + Double.random(in: -0.3...0.3, using: &generator))
            }
            // A sample on a pixel centre now and then (the nugget's jump at that pixel).
            if Bool.random(using: &generator) {
                (x[0], y[0]) = window.centre(column: Int.random(in: 0..<width, using: &generator), row: Int.random(in: 0..<height, using: &generator))
            }
            let nugget = Bool.random(using: &generator) ? 0 : Double.random(in: 0.01...0.4, using: &generator)
            let support: KrigingSupport = [.point, .square(pixel), .block(width: 1.3 * pixel, height: 0.7 * pixel, discretization: .regular(2))]
                .randomElement(using: &generator)!
            let gridOrigin: (x: Double, y: Double)? = !farSamples && Bool.random(using: &generator) ? nil
                : (window.originX - pixel * Double(Int.random(in: 0...200, using: &generator)),
                   window.originY + pixel * Double(Int.random(in: 0...200, using: &generator)))
            return Geometry(window: window, samples: try SpatialSamples(x: x, y: y, z: z), gridOrigin: gridOrigin, range: range,
                            nugget: nugget, support: support, layout: layout)
        }
    }

    /// Global exponential values: interpolated far fields against the direct sum over all samples.
    @Test func exponentialValuesStayWithinTheBound() throws {
        var generator = SplitMix64(seed: 0xFA2_0001)
        var interpolatingGeometries = 0
        for trial in 0..<10 {
            let g = try Geometry.random(&generator, maxPixels: 12_000)
            let model = try VariogramModel(kind: .exponential, partialSill: 0.6, range: g.range, nugget: g.nugget)
            let kriging = try OrdinaryKriging(samples: g.samples, model: model, support: g.support)
            let global = try #require(kriging.global)
            let farField = ExponentialFarFieldGrid(kriging: kriging, global: global)
            let lattice = GridLattice(window: g.window, gridOrigin: g.gridOrigin)
            if lattice.blocks.contains(where: { block in farField.predict(block, lattice) { _, _ in }.interpolated.contains { $0 > 0 } }) {
                interpolatingGeometries += 1
            }
            let fast = try kriging.predictGrid(g.window, variances: false, gridOrigin: g.gridOrigin).values
            let workspace = KrigingWorkspace(kriging)
            var worst = 0.0
            for i in 0..<g.window.pixelCount {
                let px = lattice.x(i % g.window.width), py = lattice.y(i / g.window.width)
                let direct = try #require(try workspace.predict(x: px, y: py, variance: false))
                worst = max(worst, abs(fast[i] - direct.value))
            }
            // The bound is for exact arithmetic; the sums themselves differ by rounding, ~1e-16 of the values.
            let rounding = 1e-13 * max(1, g.samples.z.map(abs).max()!)
            #expect(worst <= farField.tolerance + rounding, "trial \(trial), \(g): largest difference \(worst), bound \(farField.tolerance)")
        }
        #expect(interpolatingGeometries >= 4, "only \(interpolatingGeometries) geometries interpolated a far field")
    }

    /// Global variances of each model from the far-field variance grid against the per-location solve.
    @Test(arguments: [VariogramModel.Kind.exponential, .gaussian, .spherical])
    func variancesStayWithinTheBound(kind: VariogramModel.Kind) throws {
        var generator = SplitMix64(seed: 0xFA2_0002 + UInt64(kind.rawValue.count * 7 + Int(kind.rawValue.unicodeScalars.first!.value)))
        var plannedGeometries = 0
        for trial in 0..<6 {
            let g = try Geometry.random(&generator, maxPixels: 10_000, farSamples: true)
            let model = try VariogramModel(kind: kind, partialSill: 0.6, range: g.range, nugget: g.nugget)
            let kriging: OrdinaryKriging
            do {
                kriging = try OrdinaryKriging(samples: g.samples, model: model, support: g.support)
            } catch GeostatisticsError.singularSystem {
                // A long Gaussian range over clustered samples is numerically singular: refused, not mispredicted.
                continue
            }
            let global = try #require(kriging.global)
            let grid = try #require(FarFieldVarianceGrid(kriging: kriging, global: global))
            let lattice = GridLattice(window: g.window, gridOrigin: g.gridOrigin)
            if lattice.blocks.contains(where: { grid.plan($0, pixels: $0.size * $0.size).map { !$0.far.isEmpty } ?? false }) {
                plannedGeometries += 1
            }
            let fast = try #require(try kriging.predictGrid(g.window, variances: true, gridOrigin: g.gridOrigin).variances)
            let workspace = KrigingWorkspace(kriging)
            var worst = 0.0
            var values = SIMD8<Double>(), variances = SIMD8<Double>()
            for first in stride(from: 0, to: g.window.pixelCount, by: 8) {
                let lanes = min(8, g.window.pixelCount - first)
                var x = SIMD8<Double>(repeating: lattice.x(first % g.window.width)), y = SIMD8<Double>(repeating: lattice.y(first / g.window.width))
                for lane in 0..<lanes {
                    (x[lane], y[lane]) = (lattice.x((first + lane) % g.window.width), lattice.y((first + lane) / g.window.width))
                }
                workspace.predictGlobalBatch(x: x, y: y, lanes: lanes, withValues: false, values: &values, variances: &variances)
                for lane in 0..<lanes { worst = max(worst, abs(fast[first + lane] - variances[lane])) }
            }
            #expect(worst <= grid.tolerance + 1e-13, "\(kind) trial \(trial), \(g): largest difference \(worst), bound \(grid.tolerance)")
        }
        #expect(plannedGeometries >= 2, "only \(plannedGeometries) \(kind) geometries planned a far field")
    }

    /// Local exponential neighbourhoods with a block support: per-segment interpolation of far samples
    /// against the direct block-averaged sums.
    @Test func segmentInterpolationStaysWithinTheBound() throws {
        var generator = SplitMix64(seed: 0xFA2_0003)
        for trial in 0..<6 {
            var g = try Geometry.random(&generator, maxPixels: 8_000)
            if g.support == .point { g = Geometry(window: g.window, samples: g.samples, gridOrigin: g.gridOrigin, range: g.range, nugget: g.nugget,
                                                  support: .square(g.window.pixelWidth), layout: g.layout) }
            let model = try VariogramModel(kind: .exponential, partialSill: 0.6, range: g.range, nugget: g.nugget)
            let neighbourhood = KrigingNeighbourhood.nearest(min(g.samples.count - 1, Int.random(in: 6...40, using: &generator)))
            let kriging = try OrdinaryKriging(samples: g.samples, model: model, neighbourhood: neighbourhood, support: g.support)
            let fast = try kriging.predictGrid(g.window, variances: false).values
            let workspace = KrigingWorkspace(kriging)
            var worst = 0.0
            for i in 0..<g.window.pixelCount {
                let (px, py) = g.window.centre(column: i % g.window.width, row: i / g.window.width)
                let direct = try #require(try workspace.predict(x: px, y: py, variance: false))
                worst = max(worst, abs(fast[i] - direct.value))
            }
            let tolerance = ChebyshevInterpolation.valueTolerance(g.samples.z)
            #expect(worst <= tolerance + 1e-13 * max(1, g.samples.z.map(abs).max()!),
                    "trial \(trial), \(g), \(neighbourhood): largest difference \(worst), bound \(tolerance)")
        }
    }
}
