/// Global-neighbourhood predictions of a Gaussian model on a grid as a matrix product.
///
/// The Gaussian covariance factorises over the axes, ps·exp(−(dx² + dy²)/r²) = ps·e^(−dx²/r²)·e^(−dy²/r²),
/// and so does its average over a tensor-product block discretisation. With X[a][c] the column factor of
/// sample a at column c and Y[r][a] = wₐ·ps·(row factor), the residual sum of every pixel of a block of
/// rows and columns is (Y·X)[r][c]: a GEMM with the sample count as inner dimension, instead of an
/// exponential per pixel and sample. The nugget (point support only) is added where a pixel centre is
/// exactly a sample. Factors that underflow stand for terms below 1e-300 of the sill.
struct SeparableGaussianGrid: Sendable {
    let sampleX: [Double]
    let sampleY: [Double]
    /// wₐ·ps: the residual weights times the partial sill.
    let scaledWeights: [Double]
    let residualWeights: [Double]
    let mean: Double
    /// 1/r².
    let inverseRangeSquared: Double
    /// The nugget a point prediction at a sample's location adds (zero for blocks).
    let nuggetAtSample: Double
    let axisX: [(offset: Double, weight: Double)]
    let axisY: [(offset: Double, weight: Double)]

    /// Columns per block of the product: the block's column factors (samples × columns) stay in L2.
    static let columnBlock = 256
    /// Rows per block: the row factors (rows × samples) of one block.
    static let rowBlock = 128

    init(kriging: OrdinaryKriging, global: FactorizedSystem) {
        precondition(kriging.model.kind == .gaussian)
        sampleX = global.indices.map { kriging.samples.x[$0] }
        sampleY = global.indices.map { kriging.samples.y[$0] }
        residualWeights = global.residualWeights
        scaledWeights = global.residualWeights.map { $0 * kriging.model.partialSill }
        mean = global.mean
        inverseRangeSquared = 1 / (kriging.model.range * kriging.model.range)
        nuggetAtSample = kriging.supportPoints.isPoint ? kriging.model.nugget : 0
        axisX = kriging.supportPoints.axisX
        axisY = kriging.supportPoints.axisY
    }

    /// Predicts `rows` of `window`, calling `store(pixel index, value)` once per pixel.
    func predictRows(_ rows: Range<Int>, _ window: GridWindow, store: (Int, Double) -> Void) {
        let n = sampleX.count
        guard n > 0, !rows.isEmpty, window.width > 0 else { return }
        let columnBlock = min(Self.columnBlock, (window.width + 7) / 8 * 8)
        let rowBlock = min(Self.rowBlock, rows.count)
        let columnFactors = UnsafeMutablePointer<Double>.allocate(capacity: n * columnBlock)
        let rowFactors = UnsafeMutablePointer<Double>.allocate(capacity: rowBlock * n)
        let products = UnsafeMutablePointer<Double>.allocate(capacity: rowBlock * columnBlock)
        defer {
            columnFactors.deallocate()
            rowFactors.deallocate()
            products.deallocate()
        }
        sampleX.withUnsafeBufferPointer { sx in
            sampleY.withUnsafeBufferPointer { sy in
                scaledWeights.withUnsafeBufferPointer { weights in
                    for rowStart in stride(from: rows.lowerBound, to: rows.upperBound, by: rowBlock) {
                        let rowCount = min(rowBlock, rows.upperBound - rowStart)
                        for r in 0..<rowCount {
                            let py = window.centre(column: 0, row: rowStart + r).y
                            Self.axisFactors(py, axisY, sy.baseAddress!, count: n, scale: inverseRangeSquared,
                                             weights: weights.baseAddress!, into: rowFactors + r * n, stride: 1)
                        }
                        for columnStart in stride(from: 0, to: window.width, by: columnBlock) {
                            let columnCount = min(columnBlock, window.width - columnStart)
                            // Padding columns (to whole SIMD groups) get zero factors.
                            let padded = (columnCount + 7) / 8 * 8
                            for c in 0..<padded {
                                let px = window.centre(column: columnStart + c, row: 0).x
                                if c < columnCount {
                                    Self.axisFactors(px, axisX, sx.baseAddress!, count: n, scale: inverseRangeSquared,
                                                     weights: nil, into: columnFactors + c, stride: columnBlock)
                                } else {
                                    for a in 0..<n { columnFactors[a * columnBlock + c] = 0 }
                                }
                            }
                            Self.multiply(rowFactors, columnFactors, into: products, rows: rowCount, columns: padded,
                                          inner: n, columnStride: columnBlock)
                            for r in 0..<rowCount {
                                let rowOffset = (rowStart + r) * window.width + columnStart
                                for c in 0..<columnCount { store(rowOffset + c, mean + products[r * columnBlock + c]) }
                            }
                            addNuggets(rows: rowStart..<(rowStart + rowCount), columns: columnStart..<(columnStart + columnCount),
                                       window, store: store, products: products, columnStride: columnBlock)
                        }
                    }
                }
            }
        }
    }

    /// factors[a · stride] = (weights[a] or 1) · Σₖ wₖ exp(−(sₐ − (p + offsetₖ))² · scale): the axis
    /// factor of every sample for one pixel coordinate, averaged over the support's nodes on that axis.
    private static func axisFactors(_ p: Double, _ axis: [(offset: Double, weight: Double)], _ s: UnsafePointer<Double>,
                                    count n: Int, scale: Double, weights: UnsafePointer<Double>?,
                                    into factors: UnsafeMutablePointer<Double>, stride: Int) {
        var a = 0
        while a < n {
            let lanes = min(8, n - a)
            var coordinates = SIMD8<Double>(repeating: p)
            for lane in 0..<lanes { coordinates[lane] = s[a + lane] }
            var sum = SIMD8<Double>()
            for node in axis {
                let d = coordinates - (p + node.offset)
                sum += CovarianceKernel.gaussian(scaledSquaredDistance: d * d * scale, partialSill: node.weight)
            }
            for lane in 0..<lanes {
                factors[(a + lane) * stride] = (weights?[a + lane] ?? 1) * sum[lane]
            }
            a += 8
        }
    }

    /// products[r][c] = Σₐ rowFactors[r][a] · columnFactors[a][c] for c < columns (a multiple of 8):
    /// four rows × eight columns of accumulators per step of a.
    private static func multiply(_ rowFactors: UnsafePointer<Double>, _ columnFactors: UnsafePointer<Double>,
                                 into products: UnsafeMutablePointer<Double>, rows: Int, columns: Int, inner n: Int,
                                 columnStride: Int) {
        @inline(__always) func load(_ a: Int, _ c: Int) -> SIMD8<Double> {
            UnsafeRawPointer(columnFactors + a * columnStride + c).loadUnaligned(as: SIMD8<Double>.self)
        }
        @inline(__always) func store(_ v: SIMD8<Double>, _ r: Int, _ c: Int) {
            UnsafeMutableRawPointer(products + r * columnStride + c).storeBytes(of: v, as: SIMD8<Double>.self)
        }
        var r = 0
        while r + 4 <= rows {
            let y0 = rowFactors + r * n, y1 = y0 + n, y2 = y1 + n, y3 = y2 + n
            var c = 0
            while c < columns {
                var p0 = SIMD8<Double>(), p1 = SIMD8<Double>(), p2 = SIMD8<Double>(), p3 = SIMD8<Double>()
                for a in 0..<n {
                    let x = load(a, c)
                    p0 += y0[a] * x
                    p1 += y1[a] * x
                    p2 += y2[a] * x
                    p3 += y3[a] * x
                }
                store(p0, r, c)
                store(p1, r + 1, c)
                store(p2, r + 2, c)
                store(p3, r + 3, c)
                c += 8
            }
            r += 4
        }
        while r < rows {
            let y0 = rowFactors + r * n
            var c = 0
            while c < columns {
                var p0 = SIMD8<Double>()
                for a in 0..<n { p0 += y0[a] * load(a, c) }
                store(p0, r, c)
                c += 8
            }
            r += 1
        }
    }

    /// Point support: a pixel centre exactly at a sample gets the nugget term wₐ·nugget on top (the
    /// covariance there is the full sill). Only the pixels around each sample's grid position are checked.
    private func addNuggets(rows: Range<Int>, columns: Range<Int>, _ window: GridWindow, store: (Int, Double) -> Void,
                            products: UnsafePointer<Double>, columnStride: Int) {
        guard nuggetAtSample != 0 else { return }
        for a in sampleX.indices {
            let column = ((sampleX[a] - window.originX) / window.pixelWidth - 0.5).rounded()
            let row = ((sampleY[a] - window.originY) / window.pixelHeight - 0.5).rounded()
            guard column.isFinite, row.isFinite, abs(column) < 1e15, abs(row) < 1e15 else { continue }
            // Strides, not ranges: a sample outside this block leaves them empty.
            for r in stride(from: max(Int(row) - 1, rows.lowerBound), to: min(Int(row) + 2, rows.upperBound), by: 1) {
                for c in stride(from: max(Int(column) - 1, columns.lowerBound), to: min(Int(column) + 2, columns.upperBound), by: 1) {
                    let centre = window.centre(column: c, row: r)
                    guard centre.x == sampleX[a], centre.y == sampleY[a] else { continue }
                    // Sample locations are distinct, so this is the only sample at this centre.
                    let structured = products[(r - rows.lowerBound) * columnStride + (c - columns.lowerBound)]
                    store(r * window.width + c, mean + structured + residualWeights[a] * nuggetAtSample)
                }
            }
        }
    }
}
