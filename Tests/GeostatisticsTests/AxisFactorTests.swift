import Foundation
import Testing
@testable import Geostatistics

/// Local-neighbourhood Gaussian grids use per-axis exponential factors (`GaussianAxisFactors`) instead of
/// one exponential per pixel and neighbour: every pixel against the reference solver.
@Suite("Gaussian axis factors equal the reference solver")
struct AxisFactorTests {
    static let supports: [KrigingSupport] = [.point, .square(4), .block(width: 30, height: 20, discretization: .regular(3))]
    static let neighbourhoods: [KrigingNeighbourhood] = [.nearest(12), .nearest(32), .nearest(8, maxDistance: 150)]

    /// A grid wider than one strip (64 columns) reaching past the samples on every side, with one sample
    /// moved exactly onto a pixel centre (the nugget case).
    @Test(arguments: [0.05, 0])
    func gridValuesEqualReference(nugget: Double) throws {
        let window = try GridWindow(originX: -160, originY: 1170, pixelWidth: 17, pixelHeight: -29, width: 81, height: 47)
        let random = try FastPathTests.randomSamples(count: 90, seed: 404)
        var x = random.x, y = random.y
        (x[0], y[0]) = window.centre(column: 70, row: 20)
        let samples = try SpatialSamples(x: x, y: y, z: random.z)
        let model = try VariogramModel(kind: .gaussian, partialSill: 0.7, range: 180, nugget: nugget)
        for neighbourhood in Self.neighbourhoods {
            for support in Self.supports {
                let kriging = try OrdinaryKriging(samples: samples, model: model, neighbourhood: neighbourhood, support: support)
                let reference = try kriging.predictGridReference(window)
                let fast = try kriging.predictGrid(window, variances: false)
                var predicted = 0
                for i in 0..<window.pixelCount {
                    guard let r = reference[i] else {
                        #expect(fast.values[i].isNaN, "\(neighbourhood) \(support) pixel \(i) should be missing")
                        continue
                    }
                    predicted += 1
                    #expect(abs(fast.values[i] - r.value) <= 1e-9 * max(1, abs(r.value)),
                            "nugget \(nugget) \(neighbourhood) \(support) pixel \(i): \(fast.values[i]) vs \(r.value)")
                }
                #expect(predicted > window.pixelCount / 2)
            }
        }
    }

    /// The workspace path directly: the factors are used (no exact fallbacks) on an ordinary grid, and the
    /// fallbacks happen — with reference results — where a sample sits on the row with a nugget, or where
    /// a neighbour is so far away that its factors could underflow.
    @Test func factorsAreUsedAndFallBackWhereTheyMust() throws {
        let random = try FastPathTests.randomSamples(count: 50, seed: 405)
        let model = try VariogramModel(kind: .gaussian, partialSill: 0.7, range: 150, nugget: 0.05)
        let kriging = try OrdinaryKriging(samples: random, model: model, neighbourhood: .nearest(10))
        func run(xs: [Double], y: Double) throws -> Int {
            let workspace = KrigingWorkspace(kriging)
            #expect(workspace.usesAxisFactors)
            workspace.beginAxisFactorStrip(xs)
            workspace.beginAxisFactorRow(y)
            for (column, x) in xs.enumerated() {
                let fast = try #require(try workspace.predictValueWithAxisFactors(column: column, x: x, y: y))
                let reference = try #require(try kriging.predictReference(x: x, y: y))
                #expect(abs(fast.value - reference.value) <= 1e-9 * max(1, abs(reference.value)), "at (\(x), \(y))")
            }
            return workspace.axisFactorFallbacks
        }
        let ordinary = (0..<40).map { 100 + 20.5 * Double($0) }
        #expect(try run(xs: ordinary, y: 433.3) == 0)
        // A row through sample 3, with a column on it.
        #expect(try run(xs: ordinary + [random.x[3]], y: random.y[3]) > 0)
        // 20 km away the neighbours' column factors are below 1e-145 (e^(−(20000/150)²)).
        #expect(try run(xs: [21_000, 21_010], y: 500) == 2)
        // In a strip with one such column only that pixel takes the exact path.
        #expect(try run(xs: ordinary + [21_000], y: 433.3) == 1)
    }

    /// A tile of a grid gets bit-identical values to the same pixels of the whole grid, also where a
    /// short range puts some factors of a strip below the underflow guard (the decision is per pixel).
    @Test func tilesEqualTheWholeGridBitForBit() throws {
        let samples = try FastPathTests.randomSamples(count: 60, seed: 407)
        let model = try VariogramModel(kind: .gaussian, partialSill: 2, range: 25, nugget: 0.1)
        let kriging = try OrdinaryKriging(samples: samples, model: model, neighbourhood: .nearest(6))
        // Pixel centres are exact binary fractions, so a tile's centres equal the whole grid's.
        let whole = try GridWindow(originX: -704, originY: 900, pixelWidth: 16, pixelHeight: -16, width: 150, height: 12)
        let tile = try GridWindow(originX: -704 + 16 * 37, originY: 900 - 16 * 5, pixelWidth: 16, pixelHeight: -16, width: 50, height: 4)
        let wholeValues = try kriging.predictGrid(whole, variances: false).values
        let tileValues = try kriging.predictGrid(tile, variances: false).values
        for row in 0..<tile.height {
            for column in 0..<tile.width {
                let a = wholeValues[(row + 5) * whole.width + column + 37], b = tileValues[row * tile.width + column]
                #expect(a.bitPattern == b.bitPattern, "tile pixel (\(column), \(row)): \(b) vs \(a)")
            }
        }
        // The range is short enough that the guard matters: some strip column sees a factor below 1e-145.
        let workspace = KrigingWorkspace(kriging)
        workspace.beginAxisFactorStrip((0..<64).map { whole.centre(column: $0, row: 0).x })
        workspace.beginAxisFactorRow(whole.centre(column: 0, row: 6).y)
        for column in 0..<64 {
            let (x, y) = whole.centre(column: column, row: 6)
            _ = try workspace.predictValueWithAxisFactors(column: column, x: x, y: y)
        }
        #expect(workspace.axisFactorFallbacks > 0 && workspace.axisFactorFallbacks < 64)
    }

    /// Only a Gaussian model with a local neighbourhood has the factors.
    @Test func onlyLocalGaussianKrigingUsesFactors() throws {
        let samples = try FastPathTests.randomSamples(count: 20, seed: 406)
        for kind in [VariogramModel.Kind.spherical, .exponential, .gaussian] {
            let model = try VariogramModel(kind: kind, partialSill: 1, range: 200, nugget: 0.1)
            let local = try OrdinaryKriging(samples: samples, model: model, neighbourhood: .nearest(5))
            let global = try OrdinaryKriging(samples: samples, model: model)
            #expect(KrigingWorkspace(local).usesAxisFactors == (kind == .gaussian))
            #expect(!KrigingWorkspace(global).usesAxisFactors)
        }
    }
}
