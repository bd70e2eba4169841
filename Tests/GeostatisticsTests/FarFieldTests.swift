import Foundation
import Testing
@testable import Geostatistics
import SeededRandom

/// The far-field interpolation of a global exponential model on a grid against the direct sum.
@Suite("Exponential far-field grid")
struct FarFieldTests {
    /// 60 samples over 1 km², one of them on a pixel centre; 2.5 m pixels, so a 128-pixel block is 320 m
    /// and the samples far from a block are interpolated.
    static func scatteredSamples(on window: GridWindow) throws -> SpatialSamples {
        try FastPathTests.randomSamples(count: 60, seed: 811, first: window.centre(column: 150, row: 40))
    }

    /// Pixels of a tile (at `column`, `row` of the whole window) whose bits differ from the whole grid's.
    static func differingPixels(_ tileValues: [Double], _ tile: GridWindow, from wholeValues: [Double], _ whole: GridWindow,
                                column: Int, row: Int) -> Int {
        var differing = 0
        for r in 0..<tile.height {
            for c in 0..<tile.width where wholeValues[(r + row) * whole.width + c + column].bitPattern != tileValues[r * tile.width + c].bitPattern {
                differing += 1
            }
        }
        return differing
    }

    static let window = try! GridWindow(originX: 180, originY: 820, pixelWidth: 2.5, pixelHeight: -2.5, width: 300, height: 260)

    /// Every pixel within the proven bound of the per-location fast path (the direct sum over all samples,
    /// itself tested against the reference solver), every 97th against the reference solver; point and
    /// block supports, with a nugget so the pixel on sample 0 needs it; values equal with and without variances.
    @Test(arguments: [KrigingSupport.point, .square(2.5), .block(width: 3, height: 2, discretization: .regular(2))])
    func interpolatedBlocksStayWithinTheBound(support: KrigingSupport) throws {
        let window = Self.window
        let samples = try Self.scatteredSamples(on: window)
        let model = try VariogramModel(kind: .exponential, partialSill: 0.6, range: 150, nugget: 0.1)
        let kriging = try OrdinaryKriging(samples: samples, model: model, support: support)
        let farField = ExponentialFarFieldGrid(kriging: kriging, global: try #require(kriging.global))
        let lattice = GridLattice(window: window, gridOrigin: nil)
        let plans = lattice.blocks.map { farField.predict($0, lattice) { _, _ in } }
        #expect(plans.count == 9)
        #expect(plans.contains { $0.interpolated.first ?? 0 > 0 }, "some block interpolates its far field")
        #expect(plans.contains { $0.interpolated.dropFirst().contains { $0 > 0 } }, "some quarter interpolates too")
        let firstBlock = lattice.blocks[0]
        if support == .point {
            // With these samples (none more than ~1.2 km from the block) even degree 6 pays only for
            // many pixels: 100 are summed directly.
            #expect(farField.plan(firstBlock, samples: Array(0..<samples.count), pixels: 100).degree == nil, "a few pixels are summed directly")
        }

        let fast = try kriging.predictGrid(window, variances: false)
        let withVariances = try kriging.predictGrid(window, variances: true)
        // The same window as a tile of a grid whose lattice cuts blocks at all four window edges.
        let anchored = try kriging.predictGrid(window, variances: false, gridOrigin: (window.originX - 2.5 * 37, window.originY + 2.5 * 53))
        let workspace = KrigingWorkspace(kriging)
        var worst = 0.0
        for i in 0..<window.pixelCount {
            let (px, py) = window.centre(column: i % window.width, row: i / window.width)
            let direct = try #require(try workspace.predict(x: px, y: py, variance: false))
            worst = max(worst, abs(fast.values[i] - direct.value), abs(anchored.values[i] - direct.value))
            #expect(withVariances.values[i] == fast.values[i], "values do not depend on whether variances are wanted")
            if i % 97 == 0 {
                let reference = try #require(try kriging.predictReference(x: px, y: py))
                FastPathTests.expectClose(KrigingPrediction(value: fast.values[i], variance: withVariances.variances![i]), reference,
                                          "far field \(support) pixel \(i)")
            }
        }
        // The bound is on the interpolation; the direct sums themselves differ by rounding only.
        #expect(worst <= farField.tolerance + 1e-13, "largest difference \(worst), bound \(farField.tolerance)")
        if support == .point {
            #expect(abs(fast.values[40 * window.width + 150] - samples.z[0]) < 1e-9, "the pixel on sample 0 reproduces it")
        }
    }

    /// Variances of a global exponential, Gaussian or spherical model from the far-field grid (blocks
    /// reordered far samples first, far contributions interpolated, or zero beyond the spherical range)
    /// against the per-location batched solve, itself
    /// tested against the reference solver; every 89th pixel against the reference; tiles equal the
    /// whole grid bit for bit.
    @Test(arguments: [(VariogramModel.Kind.exponential, KrigingSupport.point), (.exponential, .square(2.5)), (.gaussian, .point),
                      (.gaussian, .square(2.5)), (.spherical, .point), (.spherical, .square(2.5))])
    func farFieldVariancesEqualTheDirectSolve(kind: VariogramModel.Kind, support: KrigingSupport) throws {
        let window = Self.window
        let samples = try Self.scatteredSamples(on: window)
        let model = try VariogramModel(kind: kind, partialSill: 0.6, range: kind == .gaussian ? 60 : kind == .spherical ? 200 : 150, nugget: 0.1)
        let kriging = try OrdinaryKriging(samples: samples, model: model, support: support)
        let global = try #require(kriging.global)
        let grid = try #require(FarFieldVarianceGrid(kriging: kriging, global: global))
        let origin = (x: window.originX, y: window.originY)
        let lattice = GridLattice(window: window, gridOrigin: origin)
        let plans = lattice.blocks.map { grid.plan($0, pixels: $0.size * $0.size) }
        let planned = try #require(plans.firstIndex { plan in plan.map { !$0.far.isEmpty && ($0.degree != nil) == (kind != .spherical) } ?? false },
                                   "some block has far samples (interpolated, or zero beyond the spherical range)")
        // That block through the far-field path itself: it serves all its pixels.
        let block = lattice.blocks[planned]
        #expect(grid.predict(block, plans[planned]!, lattice) { _, _ in } == block.columns.count * block.rows.count)
        #expect(grid.plan(block, pixels: 4) == nil, "four pixels are cheaper solved directly")

        let fast = try kriging.predictGrid(window, variances: true, gridOrigin: origin)
        let fastVariances = try #require(fast.variances)
        // Unanchored, blocks partly in the window are planned for the pixels they have.
        let unanchored = try #require(try kriging.predictGrid(window, variances: true).variances)
        let workspace = KrigingWorkspace(kriging)
        var worst = 0.0
        var values = SIMD8<Double>(), variances = SIMD8<Double>()
        for i in 0..<window.pixelCount {
            let (column, row) = (i % window.width, i / window.width)
            workspace.predictGlobalBatch(x: SIMD8(repeating: lattice.x(column)), y: SIMD8(repeating: lattice.y(row)), lanes: 1,
                                         withValues: false, values: &values, variances: &variances)
            worst = max(worst, abs(fastVariances[i] - variances[0]), abs(unanchored[i] - variances[0]))
            if i % 89 == 0 {
                let reference = try #require(try kriging.predictReference(x: lattice.x(column), y: lattice.y(row)))
                FastPathTests.expectClose(KrigingPrediction(value: fast.values[i], variance: fastVariances[i]), reference,
                                          "far-field variance \(kind) \(support) pixel \(i)")
            }
        }
        #expect(worst <= grid.tolerance + 1e-13, "largest difference \(worst), bound \(grid.tolerance)")

        let tile = try GridWindow(originX: window.originX + 2.5 * 37, originY: window.originY - 2.5 * 150, pixelWidth: 2.5,
                                  pixelHeight: -2.5, width: 140, height: 100)
        let tileVariances = try #require(try kriging.predictGrid(tile, variances: true, gridOrigin: origin).variances)
        let differing = Self.differingPixels(tileVariances, tile, from: fastVariances, window, column: 37, row: 150)
        #expect(differing == 0, "\(differing) tile variances differ from the whole grid")
    }

    /// A local exponential neighbourhood with a block support interpolates each system's far samples
    /// along a row segment: every pixel within the bound of the direct block-averaged sum, every 53rd
    /// against the reference solver; a tile on segment boundaries equals the whole grid bit for bit.
    @Test(arguments: [KrigingNeighbourhood.nearest(12), .nearest(32)])
    func segmentInterpolationStaysWithinTheBound(neighbourhood: KrigingNeighbourhood) throws {
        let window = Self.window
        let samples = try Self.scatteredSamples(on: window)
        let model = try VariogramModel(kind: .exponential, partialSill: 0.6, range: 150, nugget: 0.1)
        let kriging = try OrdinaryKriging(samples: samples, model: model, neighbourhood: neighbourhood, support: .square(2.5))
        let fast = try kriging.predictGrid(window, variances: false).values
        let workspace = KrigingWorkspace(kriging)
        var worst = 0.0
        for i in 0..<window.pixelCount {
            let (px, py) = window.centre(column: i % window.width, row: i / window.width)
            let direct = try #require(try workspace.predict(x: px, y: py, variance: false))
            worst = max(worst, abs(fast[i] - direct.value))
            if i % 53 == 0 {
                let reference = try #require(try kriging.predictReference(x: px, y: py))
                #expect(abs(fast[i] - reference.value) <= 1e-9 * max(1, abs(reference.value)), "pixel \(i): \(fast[i]) vs \(reference.value)")
            }
        }
        let tolerance = 1e-11 * samples.z.map(abs).max()!
        #expect(worst <= tolerance + 1e-13, "largest difference \(worst), bound \(tolerance)")
        // The grid driver did interpolate (the direct workspace above never begins a segment).
        let grid = KrigingWorkspace(kriging)
        grid.beginRowSegment(x0: window.centre(column: 0, row: 9).x, x1: window.centre(column: 15, row: 9).x, y: window.centre(column: 0, row: 9).y)
        for column in 0..<16 {
            let (px, py) = window.centre(column: column, row: 9)
            _ = try grid.predict(x: px, y: py, variance: false)
        }
        #expect(grid.interpolatedSegmentPlans > 0)

        // Segments are 16 pixels from the window's first column: a tile keeps them when its columns start
        // and end on multiples of 16 (as the tile engine's multiples of 256 do) or at the grid's edge.
        let tile = try GridWindow(originX: window.originX + 2.5 * 64, originY: window.originY - 2.5 * 20, pixelWidth: 2.5,
                                  pixelHeight: -2.5, width: 96, height: 30)
        let tileValues = try kriging.predictGrid(tile, variances: false).values
        let differing = Self.differingPixels(tileValues, tile, from: fast, window, column: 64, row: 20)
        #expect(differing == 0, "\(differing) tile pixels differ from the whole grid")
    }

    /// A tile anchored on the whole grid's origin gets the whole grid's values bit for bit, although its
    /// edges cut lattice blocks; a window off the lattice is its own grid.
    @Test(arguments: [KrigingSupport.point, .square(2.5)])
    func tilesEqualTheWholeGridBitForBit(support: KrigingSupport) throws {
        let whole = Self.window
        let samples = try Self.scatteredSamples(on: whole)
        let model = try VariogramModel(kind: .exponential, partialSill: 0.6, range: 150, nugget: 0.1)
        let kriging = try OrdinaryKriging(samples: samples, model: model, support: support)
        let origin = (x: whole.originX, y: whole.originY)
        let wholeValues = try kriging.predictGrid(whole, variances: false, gridOrigin: origin).values
        for (column, row, width, height) in [(37, 5, 140, 150), (128, 128, 100, 60), (0, 200, 300, 60)] {
            let tile = try GridWindow(originX: whole.originX + 2.5 * Double(column), originY: whole.originY - 2.5 * Double(row),
                                      pixelWidth: 2.5, pixelHeight: -2.5, width: width, height: height)
            let tileValues = try kriging.predictGrid(tile, variances: false, gridOrigin: origin).values
            let differing = Self.differingPixels(tileValues, tile, from: wholeValues, whole, column: column, row: row)
            #expect(differing == 0, "tile at (\(column), \(row)): \(differing) pixels differ from the whole grid")
        }
        let offLattice = GridLattice(window: try GridWindow(originX: whole.originX + 1, originY: whole.originY, pixelWidth: 2.5,
                                                                                pixelHeight: -2.5, width: 10, height: 10), gridOrigin: origin)
        #expect(offLattice.columnOffset == 0 && offLattice.originX == whole.originX + 1)
    }

    /// Blocks are laid out from the grid origin, also for windows left of or above it.
    @Test func latticeBlocksCoverTheWindowOnce() throws {
        let window = try GridWindow(originX: -500, originY: 300, pixelWidth: 2, pixelHeight: -2, width: 300, height: 140)
        let lattice = GridLattice(window: window, gridOrigin: (x: -300, y: 100))
        #expect(lattice.columnOffset == -100 && lattice.rowOffset == -100)
        var covered = [Int](repeating: 0, count: window.pixelCount)
        for block in lattice.blocks {
            #expect(block.xInterval.1 - block.xInterval.0 == 2 * 127)
            for r in block.rows {
                for c in block.columns {
                    covered[r * window.width + c] += 1
                    #expect(lattice.x(c) >= block.xInterval.0 && lattice.x(c) <= block.xInterval.1)
                    #expect(lattice.y(r) >= block.yInterval.0 && lattice.y(r) <= block.yInterval.1)
                }
            }
        }
        #expect(covered.allSatisfy { $0 == 1 })
        // Columns −100…199 meet lattice columns of blocks −1, 0 and 1; rows −100…39 those of blocks −1 and 0.
        #expect(lattice.blocks.count == 6)
    }

    /// The barycentric Chebyshev interpolant reproduces polynomials of its degree, also averaged over a
    /// support axis.
    @Test func chebyshevInterpolationIsExactForPolynomials() throws {
        let degree = 8
        let nodes = ChebyshevInterpolation.chebyshevPoints((2, 7), degree)
        #expect(nodes.first == 2 && nodes.last == 7)
        let polynomial = { (t: Double) in 1 - 2 * t + 0.3 * pow(t, 5) - 0.01 * pow(t, 8) }
        for t in stride(from: 2.0, through: 7.0, by: 0.37) {
            let basis = ChebyshevInterpolation.lagrangeBasis(at: t, nodes: nodes)
            let interpolated = zip(basis, nodes).map { $0 * polynomial($1) }.reduce(0, +)
            #expect(abs(interpolated - polynomial(t)) <= 1e-9 * abs(polynomial(t)))
        }
        #expect(ChebyshevInterpolation.lagrangeBasis(at: nodes[3], nodes: nodes) == (0...degree).map { $0 == 3 ? 1 : 0 })
        let axis: [(offset: Double, weight: Double)] = [(-0.4, 0.25), (0.1, 0.5), (0.35, 0.25)]
        let averaged = ChebyshevInterpolation.averagedBasis(at: 4.2, over: axis, nodes: nodes)
        let expected = axis.map { $0.weight * polynomial(4.2 + $0.offset) }.reduce(0, +)
        #expect(abs(zip(averaged, nodes).map { $0 * polynomial($1) }.reduce(0, +) - expected) <= 1e-9 * abs(expected))
    }
}
