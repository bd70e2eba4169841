import Foundation
import Testing
@testable import Geostatistics
import SeededRandom

/// The fast kriging paths (factorised global system, cached local systems, grid driver, k-d tree)
/// against the plain reference solver on random data.
@Suite("Fast kriging paths equal the reference solver")
struct FastPathTests {
    /// Samples over 1 km² with a smooth trend and noise; the first at `first` when given (e.g. on a pixel centre).
    static func randomSamples(count: Int, seed: UInt64, first: (x: Double, y: Double)? = nil) throws -> SpatialSamples {
        var generator = SplitMix64(seed: seed)
        var x: [Double] = [], y: [Double] = [], z: [Double] = []
        for a in 0..<count {
            let (px, py) = a == 0 && first != nil ? first!
                : (Double.random(in: 0..<1000, using: &generator), Double.random(in: 0..<1000, using: &generator))
            x.append(px)
            y.append(py)
            z.append(3 + sin(px / 170) + cos(py / 230) + Double.random(in: -0.3..<0.3, using: &generator))
        }
        return try SpatialSamples(x: x, y: y, z: z)
    }

    static let models: [VariogramModel] = [
        try! VariogramModel(kind: .spherical, partialSill: 0.8, range: 400, nugget: 0.05),
        try! VariogramModel(kind: .exponential, partialSill: 0.6, range: 150, nugget: 0.1),
        try! VariogramModel(kind: .gaussian, partialSill: 0.7, range: 200, nugget: 0.05),
        try! VariogramModel(kind: .nugget, partialSill: 0.3, range: 0, nugget: 0.2),
    ]

    static let setups: [(KrigingNeighbourhood, KrigingSupport)] = [
        (.global, .point), (.nearest(12), .point), (.nearest(8, maxDistance: 150), .point),
        (.global, .square(25)), (.nearest(10), .block(width: 30, height: 20, discretization: .regular(3))),
    ]

    static func expectClose(_ fast: KrigingPrediction?, _ reference: KrigingPrediction?, _ context: String) {
        guard let fast, let reference else {
            #expect(fast == nil && reference == nil, "\(context): one path predicted, the other did not")
            return
        }
        #expect(abs(fast.value - reference.value) <= 1e-9 * max(1, abs(reference.value)), "\(context): \(fast) vs \(reference)")
        #expect(abs(fast.variance - reference.variance) <= 1e-9 * max(1e-3, abs(reference.variance)), "\(context): \(fast) vs \(reference)")
    }

    @Test(arguments: 0..<4)
    func pointAndBlockPredictionsEqualReference(modelIndex: Int) throws {
        let samples = try Self.randomSamples(count: 60, seed: UInt64(10 + modelIndex))
        let model = Self.models[modelIndex]
        var generator = SplitMix64(seed: 99)
        for (neighbourhood, support) in Self.setups {
            let kriging = try OrdinaryKriging(samples: samples, model: model, neighbourhood: neighbourhood, support: support)
            let workspace = KrigingWorkspace(kriging)
            for _ in 0..<25 {
                let x = Double.random(in: -100..<1100, using: &generator), y = Double.random(in: -100..<1100, using: &generator)
                let fast = try workspace.predict(x: x, y: y, variance: true)
                Self.expectClose(fast, try kriging.predictReference(x: x, y: y), "\(model) \(neighbourhood) \(support) at (\(x), \(y))")
            }
            // At a sample: point kriging reproduces it exactly with zero variance.
            if support == .point, case .global = neighbourhood {
                let p = try #require(try kriging.predict(x: samples.x[3], y: samples.y[3]))
                #expect(abs(p.value - samples.z[3]) < 1e-9)
                #expect(abs(p.variance) < 1e-9)
            }
        }
    }

    @Test func gridEqualsReferenceAndReusesLocalFactorisations() throws {
        let samples = try Self.randomSamples(count: 80, seed: 7)
        let window = try GridWindow(originX: 100, originY: 900, pixelWidth: 12, pixelHeight: -12, width: 23, height: 17)
        for (neighbourhood, support) in Self.setups {
            let kriging = try OrdinaryKriging(samples: samples, model: Self.models[0], neighbourhood: neighbourhood, support: support)
            let reference = try kriging.predictGridReference(window)
            var values = [Double](repeating: 0, count: window.pixelCount), variances = values
            var floatValues = [Float](repeating: 0, count: window.pixelCount), floatVariances = floatValues
            try values.withUnsafeMutableBufferPointer { v in
                try variances.withUnsafeMutableBufferPointer { s in try kriging.predictGrid(window, values: v, variances: s) }
            }
            try floatValues.withUnsafeMutableBufferPointer { v in
                try floatVariances.withUnsafeMutableBufferPointer { s in try kriging.predictGrid(window, values: v, variances: s) }
            }
            let centres = (0..<window.pixelCount).map { window.centre(column: $0 % window.width, row: $0 / window.width) }
            let atLocations = try kriging.predict(x: centres.map(\.x), y: centres.map(\.y))
            for i in 0..<window.pixelCount { Self.expectClose(atLocations[i], reference[i], "locations \(neighbourhood) \(support) \(i)") }
            let withoutVariance = try kriging.predictGrid(window, variances: false)
            #expect(withoutVariance.variances == nil)
            for i in 0..<window.pixelCount {
                guard let r = reference[i] else {
                    #expect(values[i].isNaN && variances[i].isNaN && floatValues[i].isNaN)
                    continue
                }
                Self.expectClose(KrigingPrediction(value: values[i], variance: variances[i]), r, "\(neighbourhood) \(support) pixel \(i)")
                #expect(withoutVariance.values[i] == values[i])
                #expect(floatValues[i] == Float(values[i]) && floatVariances[i] == Float(variances[i]))
            }
        }
        // Neighbouring pixels share most neighbour sets: far fewer factorisations than pixels.
        let local = try OrdinaryKriging(samples: samples, model: Self.models[0], neighbourhood: .nearest(10))
        let workspace = KrigingWorkspace(local)
        for row in 0..<window.height {
            for column in 0..<window.width {
                let (x, y) = window.centre(column: column, row: row)
                _ = try workspace.predict(x: x, y: y, variance: true)
            }
        }
        #expect(workspace.factorizations > 1)
        #expect(workspace.searches < window.pixelCount, "moving less than half the neighbour gap skips the search")
        #expect(workspace.searches >= workspace.factorizations)
        #expect(workspace.factorizations < window.pixelCount / 3, "\(workspace.factorizations) factorisations for \(window.pixelCount) pixels")
    }

    /// Grids without variances go through the vectorised covariance loops (eight samples per step plus
    /// a scalar tail): every model kind, global and local, point and block, against the reference.
    @Test(arguments: 0..<4)
    func gridValuesWithoutVarianceEqualReference(modelIndex: Int) throws {
        let samples = try Self.randomSamples(count: 70, seed: UInt64(60 + modelIndex))
        // Pixel centres on samples hit the zero-distance (nugget) case too.
        let window = try GridWindow(originX: samples.x[0] - 250, originY: samples.y[0] + 150, pixelWidth: 50, pixelHeight: -50, width: 13, height: 9)
        let setups: [(KrigingNeighbourhood, KrigingSupport)] = [
            (.global, .point), (.nearest(12), .point), (.nearest(32), .point), (.nearest(9, maxDistance: 200), .point),
            (.global, .square(25)), (.nearest(16), .block(width: 30, height: 20, discretization: .regular(2))),
        ]
        for (neighbourhood, support) in setups {
            let kriging = try OrdinaryKriging(samples: samples, model: Self.models[modelIndex], neighbourhood: neighbourhood, support: support)
            let reference = try kriging.predictGridReference(window)
            let fast = try kriging.predictGrid(window, variances: false)
            for i in 0..<window.pixelCount {
                guard let r = reference[i] else {
                    #expect(fast.values[i].isNaN)
                    continue
                }
                #expect(abs(fast.values[i] - r.value) <= 1e-9 * max(1, abs(r.value)), "\(Self.models[modelIndex]) \(neighbourhood) \(support) pixel \(i): \(fast.values[i]) vs \(r.value)")
            }
            // And exactly at a sample, where a point prediction reproduces it.
            if support == .point, let p = try kriging.predict(x: samples.x[5], y: samples.y[5], variance: false),
               let r = try kriging.predictReference(x: samples.x[5], y: samples.y[5]) {
                #expect(abs(p.value - r.value) <= 1e-9 * max(1, abs(r.value)))
            }
        }
    }

    /// The matrix-product path of a global Gaussian model over a grid wider than one column block and tall
    /// enough for the four-row kernel: with and without nugget, point and block supports, a sample exactly
    /// on a pixel centre and pixels beyond the samples. Every pixel against the per-location fast path
    /// (itself tested against the reference), every seventh against the reference solver.
    @Test(arguments: [0.05, 0])
    func separableGaussianGridEqualsReference(nugget: Double) throws {
        let window = try GridWindow(originX: -120, originY: 1130, pixelWidth: 4.5, pixelHeight: -31, width: 270, height: 41)
        let samples = try Self.randomSamples(count: 40, seed: 71, first: window.centre(column: 37, row: 11))
        let model = try VariogramModel(kind: .gaussian, partialSill: 0.7, range: 260, nugget: nugget)
        for support in [KrigingSupport.point, .square(25), .block(width: 30, height: 20, discretization: .regular(3))] {
            let kriging = try OrdinaryKriging(samples: samples, model: model, support: support)
            let fast = try kriging.predictGrid(window, variances: false)
            let withVariance = try kriging.predictGrid(window, variances: true)
            let workspace = KrigingWorkspace(kriging)
            for i in 0..<window.pixelCount {
                let (px, py) = window.centre(column: i % window.width, row: i / window.width)
                let single = try #require(try workspace.predict(x: px, y: py, variance: i % 7 == 0))
                #expect(abs(fast.values[i] - single.value) <= 1e-9 * max(1, abs(single.value)), "\(support) pixel \(i): \(fast.values[i]) vs \(single.value)")
                #expect(withVariance.values[i] == fast.values[i], "values do not depend on whether variances are wanted")
                if i % 7 == 0 {
                    let reference = try #require(try kriging.predictReference(x: px, y: py))
                    Self.expectClose(KrigingPrediction(value: fast.values[i], variance: withVariance.variances![i]), reference,
                                     "separable \(support) nugget \(nugget) pixel \(i)")
                }
            }
            if support == .point {
                // The pixel centre on sample 0 reproduces it exactly (the nugget term included).
                #expect(abs(fast.values[11 * window.width + 37] - samples.z[0]) < 1e-9)
            }
        }
    }

    /// A grid segment whose neighbour set is certified once (distance bounds over the whole segment)
    /// skips the per-pixel selection: every pixel of a certified segment against the reference, and
    /// certification must happen for fine pixels (and must not be claimed with a finite maxdist).
    @Test(arguments: [0, 2])
    func certifiedSegmentsEqualReference(modelIndex: Int) throws {
        let samples = try Self.randomSamples(count: 60, seed: UInt64(80 + modelIndex))
        var generator = SplitMix64(seed: 81)
        var certified = 0
        for neighbourhood in [KrigingNeighbourhood.nearest(12), .nearest(12, maxDistance: 400)] {
            let kriging = try OrdinaryKriging(samples: samples, model: Self.models[modelIndex], neighbourhood: neighbourhood)
            let workspace = KrigingWorkspace(kriging)
            for _ in 0..<30 {
                let x0 = Double.random(in: -50..<1000, using: &generator), y = Double.random(in: -50..<1050, using: &generator)
                let step = Double.random(in: 0.5..<4, using: &generator)
                let xs = (0..<16).map { x0 + Double($0) * step }
                workspace.restrictCandidates(x: (xs[0] + xs[15]) / 2, y: y, reach: (xs[15] - xs[0]) / 2)
                Self.expectClose(try workspace.predict(x: xs[0], y: y, variance: true), try kriging.predictReference(x: xs[0], y: y), "first pixel")
                guard workspace.currentSystemHoldsAlong(x0: xs[0], x1: xs[15], y: y) else { continue }
                #expect(neighbourhood == .nearest(12), "certified only without maxdist")
                certified += 1
                for x in xs.dropFirst() {
                    Self.expectClose(workspace.predictWithCurrentSystem(x: x, y: y, variance: true),
                                     try kriging.predictReference(x: x, y: y), "certified segment at (\(x), \(y))")
                }
            }
        }
        #expect(certified > 5, "\(certified) of 30 fine segments certified")
    }

    @Test(arguments: 0..<4)
    func candidateRestrictedSelectionEqualsReference(modelIndex: Int) throws {
        // Lattice samples give many equal distances, so the index tie-break is exercised too.
        var generator = SplitMix64(seed: UInt64(40 + modelIndex))
        let lattice = (0..<90).map { _ in (Double(Int.random(in: 0..<25, using: &generator)) * 40, Double(Int.random(in: 0..<25, using: &generator)) * 40) }
        var seen = Set<[Double]>()
        let unique = lattice.filter { seen.insert([$0.0, $0.1]).inserted }
        let samples = try SpatialSamples(x: unique.map(\.0), y: unique.map(\.1), z: unique.map { 2 + sin($0.0 / 170) + cos($0.1 / 90) })
        for neighbourhood in [KrigingNeighbourhood.nearest(12), .nearest(7, maxDistance: 130), .nearest(1)] {
            let kriging = try OrdinaryKriging(samples: samples, model: Self.models[modelIndex], neighbourhood: neighbourhood)
            let workspace = KrigingWorkspace(kriging)
            for _ in 0..<6 {
                let cx = Double.random(in: -50..<1050, using: &generator), cy = Double.random(in: -50..<1050, using: &generator)
                let reach = Double.random(in: 0..<90, using: &generator)
                workspace.restrictCandidates(x: cx, y: cy, reach: reach)
                for _ in 0..<20 {
                    // Anywhere within reach, including lattice points half-way between samples.
                    let angle = Double.random(in: 0..<(2 * .pi), using: &generator), r = reach * Double.random(in: 0...1, using: &generator)
                    var x = cx + r * cos(angle), y = cy + r * sin(angle)
                    if Bool.random(using: &generator) {
                        let (sx, sy) = ((x / 20).rounded() * 20, (y / 20).rounded() * 20)
                        if (sx - cx) * (sx - cx) + (sy - cy) * (sy - cy) <= reach * reach { (x, y) = (sx, sy) }
                    }
                    let fast = try workspace.predict(x: x, y: y, variance: true)
                    Self.expectClose(fast, try kriging.predictReference(x: x, y: y), "candidates \(neighbourhood) at (\(x), \(y))")
                }
            }
        }
    }

    @Test func revisitedNeighbourSetsComeFromTheCache() throws {
        let samples = try Self.randomSamples(count: 50, seed: 8)
        let kriging = try OrdinaryKriging(samples: samples, model: Self.models[1], neighbourhood: .nearest(6))
        let window = try GridWindow(originX: 300, originY: 700, pixelWidth: 10, pixelHeight: -10, width: 20, height: 12)
        var distinct = Set<[Int]>()
        for row in 0..<window.height {
            for column in 0..<window.width {
                let (x, y) = window.centre(column: column, row: row)
                distinct.insert(kriging.referenceNeighbours(x: x, y: y).sorted())
            }
        }
        try #require(distinct.count > 1 && distinct.count <= FactorizedSystemCache.slotCount(capacity: 6))
        let workspace = KrigingWorkspace(kriging)
        for _ in 0..<2 {
            for row in 0..<window.height {
                for column in 0..<window.width {
                    let (x, y) = window.centre(column: column, row: row)
                    Self.expectClose(try workspace.predict(x: x, y: y, variance: true), try kriging.predictReference(x: x, y: y), "cached \(row) \(column)")
                }
            }
        }
        #expect(workspace.factorizations == distinct.count, "each neighbour set factorised once")
    }

    @Test func kdTreeFindsTheBruteForceNeighboursIncludingTies() throws {
        // Integer coordinates on a coarse lattice: many samples at exactly equal distances.
        var generator = SplitMix64(seed: 3)
        let x = (0..<200).map { _ in Double(Int.random(in: 0..<40, using: &generator)) }
        let y = (0..<200).map { _ in Double(Int.random(in: 0..<40, using: &generator)) }
        let tree = KDTree(x: x, y: y)
        for count in [1, 5, 17] {
            var list = NeighbourList(capacity: count)
            for _ in 0..<200 {
                let qx = Double(Int.random(in: -5..<45, using: &generator)) / 2, qy = Double(Int.random(in: -5..<45, using: &generator)) / 2
                let maxDistance = Bool.random(using: &generator) ? Double.infinity : 4.5
                tree.nearest(x: qx, y: qy, maxDistance: maxDistance, into: &list)
                let d2 = x.indices.map { (x[$0] - qx) * (x[$0] - qx) + (y[$0] - qy) * (y[$0] - qy) }
                let expected = x.indices.filter { d2[$0] <= maxDistance * maxDistance }.sorted { (d2[$0], $0) < (d2[$1], $1) }.prefix(count)
                #expect(Array(list.indices.prefix(list.count)) == Array(expected))
            }
        }
    }

    @Test func choleskyAndGaussianEliminationAgree() throws {
        var generator = SplitMix64(seed: 5)
        let n = 30
        var b = [Double](repeating: 0, count: n * n)
        for i in 0..<(n * n) { b[i] = Double.random(in: -1..<1, using: &generator) }
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                var s = i == j ? Double(n) : 0
                for k in 0..<n { s += b[i * n + k] * b[j * n + k] }
                a[i * n + j] = s
            }
        }
        let rhs = (0..<n).map { _ in Double.random(in: -1..<1, using: &generator) }
        let viaCholesky = try CholeskyFactor(symmetric: a, order: n).solve(rhs)
        let viaElimination = try DenseLinearSystem.solve(a, order: n, rightHandSide: rhs)
        #expect(maxRelativeError(viaCholesky, viaElimination) < 1e-9)
    }

    /// The panelled factorisation against the unblocked one at orders 1…300: every order to 40, every
    /// ninth beyond, and 32k − 1, 32k, 32k + 1 around each panel edge and the 96 threshold (below it
    /// they are one code path),
    /// and both against A itself through L(Lᵀv) = Av; a copy of A with its last two rows and columns
    /// equal is refused. The matrices are exponential covariances of random points plus a nugget:
    /// positive definite, condition numbers up to ~10⁴. Measured: blocked against unblocked ≤ 3.1e-15
    /// of the largest entry; L(Lᵀv) against Av ≤ 1.8e-15 of Σ|aᵢₖvₖ|.
    @Test func panelledCholeskyEqualsUnblockedOverOrders() throws {
        var generator = SplitMix64(seed: 5_300)
        let panelEdges = (3...9).flatMap { [32 * $0 - 1, 32 * $0, 32 * $0 + 1] }
        for n in Set(Array(1...40) + Array(stride(from: 41, through: 300, by: 9)) + panelEdges).sorted() {
            let x = (0..<n).map { _ in Double.random(in: 0..<100, using: &generator) }
            let y = (0..<n).map { _ in Double.random(in: 0..<100, using: &generator) }
            let range = Double.random(in: 5..<60, using: &generator), nugget = Double.random(in: 0.01..<0.2, using: &generator)
            var a = [Double](repeating: 0, count: n * n)
            for i in 0..<n {
                for j in 0...i {
                    let h = ((x[i] - x[j]) * (x[i] - x[j]) + (y[i] - y[j]) * (y[i] - y[j])).squareRoot()
                    let c = exp(-h / range) + (i == j ? nugget : 0)
                    (a[i * n + j], a[j * n + i]) = (c, c)
                }
            }
            var blocked = [Double](repeating: .nan, count: n * n), unblocked = [Double](repeating: .nan, count: n * n)
            try a.withUnsafeBufferPointer { a in
                try blocked.withUnsafeMutableBufferPointer { try CholeskyFactor.factorise(a.baseAddress!, into: $0.baseAddress!, order: n) }
                try unblocked.withUnsafeMutableBufferPointer { try CholeskyFactor.factoriseUnblocked(a.baseAddress!, into: $0.baseAddress!, order: n) }
            }
            let largest = unblocked.map(abs).max()!
            let worst = zip(blocked, unblocked).map { abs($0 - $1) }.max()!
            #expect(worst <= 3e-14 * largest, "order \(n): blocked and unblocked differ by \(worst)")
            let v = (0..<n).map { _ in Double.random(in: -1..<1, using: &generator) }
            var ltv = [Double](repeating: 0, count: n)
            for k in 0..<n { for i in 0...k { ltv[i] += blocked[k * n + i] * v[k] } }
            var worstResidual = 0.0
            for i in 0..<n {
                var llv = 0.0, av = 0.0, scale = 0.0
                for k in 0...i { llv += blocked[i * n + k] * ltv[k] }
                for k in 0..<n { av += a[i * n + k] * v[k]; scale += abs(a[i * n + k] * v[k]) }
                worstResidual = max(worstResidual, abs(llv - av) / scale)
            }
            #expect(worstResidual <= 2e-14, "order \(n): L(Lᵀv) against Av")
            if n >= 2 {
                var singular = a
                for k in 0..<n { (singular[(n - 1) * n + k], singular[k * n + n - 1]) = (a[(n - 2) * n + k], a[k * n + n - 2]) }
                singular[(n - 1) * n + n - 1] = a[(n - 2) * n + n - 2]
                #expect(throws: GeostatisticsError.self, "order \(n)") { _ = try CholeskyFactor(symmetric: singular, order: n) }
            }
        }
    }

    /// The eight-lane, four-row triangular solve against the scalar one, lane by lane, for every
    /// remainder of the four-row blocking and a few larger orders.
    @Test(arguments: Array(1...9) + [16, 37, 64])
    func eightLaneForwardSubstitutionEqualsScalar(order m: Int) {
        var generator = SplitMix64(seed: UInt64(300 + m))
        var lower = [Double](repeating: 0, count: m * m)
        for i in 0..<m {
            for k in 0...i { lower[i * m + k] = k == i ? Double.random(in: 1..<2, using: &generator) : Double.random(in: -0.5..<0.5, using: &generator) }
        }
        let columns = (0..<8).map { _ in (0..<m).map { _ in Double.random(in: -1..<1, using: &generator) } }
        let batch = UnsafeMutablePointer<SIMD8<Double>>.allocate(capacity: m)
        defer { batch.deallocate() }
        for k in 0..<m { batch[k] = SIMD8((0..<8).map { columns[$0][k] }) }
        lower.withUnsafeBufferPointer { KrigingWorkspace.forwardSubstituteInPlace(batch, lower: $0.baseAddress!, order: m) }
        for lane in 0..<8 {
            var scalar = columns[lane]
            lower.withUnsafeBufferPointer { l in scalar.withUnsafeMutableBufferPointer { CholeskyFactor.forwardSubstitute($0.baseAddress!, lower: l.baseAddress!, order: m) } }
            let largest = scalar.map(abs).max() ?? 0
            let worst = (0..<m).map { abs(batch[$0][lane] - scalar[$0]) }.max() ?? 0
            #expect(worst <= 1e-12 * largest, "order \(m) lane \(lane): \(worst)")
        }
    }

    @Test(arguments: [KrigingNeighbourhood.global, .nearest(7), .nearest(5, maxDistance: 120)])
    func leaveOneOutEqualsReferenceKrigingWithoutTheSample(neighbourhood: KrigingNeighbourhood) throws {
        let samples = try Self.randomSamples(count: 40, seed: 21)
        let model = Self.models[0]
        let cv = try CrossValidation.leaveOneOut(samples: samples, model: model, neighbourhood: neighbourhood)
        for i in samples.indices {
            let without = try OrdinaryKriging(samples: samples.removing([i]), model: model, neighbourhood: neighbourhood)
            let reference = try without.predictReference(x: samples.x[i], y: samples.y[i])
            let fast = cv.residuals[i].map { KrigingPrediction(value: $0.predicted, variance: $0.variance) }
            Self.expectClose(fast, reference, "LOO sample \(i) \(neighbourhood)")
            if let r = cv.residuals[i] {
                #expect(r.observed == samples.z[i])
                #expect(abs(r.zScore - r.residual / r.variance.squareRoot()) < 1e-12)
            }
        }
    }

    @Test(arguments: 0..<4)
    func leaveOneOutFromOneFactorisationEqualsRefitting(modelIndex: Int) throws {
        let samples = try Self.randomSamples(count: 45, seed: 31)
        let fast = try CrossValidation.leaveOneOut(samples: samples, model: Self.models[modelIndex])
        let refitted = try CrossValidation.leaveOneOutByRefitting(samples: samples, model: Self.models[modelIndex])
        for (a, b) in zip(fast.residuals, refitted.residuals) {
            Self.expectClose(a.map { KrigingPrediction(value: $0.predicted, variance: $0.variance) },
                             b.map { KrigingPrediction(value: $0.predicted, variance: $0.variance) }, "LOO \(Self.models[modelIndex])")
        }
    }

    @Test func kFoldWithOneSamplePerFoldIsLeaveOneOut() throws {
        let samples = try Self.randomSamples(count: 30, seed: 11)
        let model = Self.models[1]
        let loo = try CrossValidation.leaveOneOutByRefitting(samples: samples, model: model)
        let kFold = try CrossValidation.kFold(samples: samples, model: model, k: 30, seed: 4)
        #expect(loo == kFold)
        let fiveFold = try CrossValidation.kFold(samples: samples, model: model, k: 5, seed: 4)
        #expect(fiveFold.residuals.allSatisfy { $0 != nil })
        #expect(fiveFold.rootMeanSquaredError > 0 && fiveFold.meanSquaredZScore > 0)
        #expect(fiveFold != loo)
        let again = try CrossValidation.kFold(samples: samples, model: model, k: 5, seed: 4)
        #expect(again == fiveFold, "folds are reproducible for a seed")
    }
}
