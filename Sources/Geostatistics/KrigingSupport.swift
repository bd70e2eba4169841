/// What a kriged value stands for: the value at a point, or the mean over a rectangular block.
public enum KrigingSupport: Sendable, Equatable {
    case point
    /// The mean over a width × height block centred on the prediction location (gstat's `block = c(w, h)`).
    case block(width: Double, height: Double, discretization: BlockDiscretization = .gaussQuadrature)

    /// A square block, e.g. a pixel of side `side` so that a kriged pixel has the pixel's support.
    public static func square(_ side: Double, discretization: BlockDiscretization = .gaussQuadrature) -> KrigingSupport {
        .block(width: side, height: side, discretization: discretization)
    }
}

/// How block averages are discretised.
public enum BlockDiscretization: Sendable, Equatable {
    /// 4 × 4 Gauss–Legendre points and weights: gstat's default (`DEF_gauss = 1` in gstat's defaults.h).
    case gaussQuadrature
    /// n × n equally weighted points at the centres of an n × n split of the block (gstat with
    /// `set = list(gauss = 0, nblockdiscr = n)`).
    case regular(Int)
}

/// Points discretising the support, relative to its centre, with weights summing to 1.
struct SupportPoints: Sendable {
    let dx: [Double]
    let dy: [Double]
    let weight: [Double]
    let isPoint: Bool
    /// The support as a tensor product: point (dx, dy) = (axisX[k].offset, axisY[l].offset) with weight
    /// axisX[k].weight · axisY[l].weight, at position k · axisY.count + l — so a separable covariance
    /// averages over the block one axis at a time.
    let axisX: [(offset: Double, weight: Double)]
    let axisY: [(offset: Double, weight: Double)]

    /// How far the support's points reach from its centre: in all, and along each axis.
    let reach: Double
    let reachX: Double
    let reachY: Double

    var count: Int { weight.count }

    init(_ support: KrigingSupport) throws {
        switch support {
        case .point:
            (dx, dy, weight, isPoint) = ([0], [0], [1], true)
            (axisX, axisY) = ([(0, 1)], [(0, 1)])
        case let .block(width, height, discretization):
            guard width > 0, height > 0, width.isFinite, height.isFinite else {
                throw GeostatisticsError.invalidParameter("block sides must be positive, got \(width) × \(height)")
            }
            let nodes: [Double], nodeWeights: [Double]
            switch discretization {
            case .gaussQuadrature:
                // gstat's block.c: Gauss–Legendre nodes and weights on [−1/2, 1/2] (Carr & Palmer 1993).
                nodes = [-0.4305681558, -0.1699905218, 0.1699905218, 0.4305681558]
                nodeWeights = [0.1739274226, 0.3260725774, 0.3260725774, 0.1739274226]
            case let .regular(n):
                guard n > 0 else { throw GeostatisticsError.invalidParameter("block discretisation needs n ≥ 1, got \(n)") }
                nodes = (0..<n).map { -0.5 + (Double($0) + 0.5) / Double(n) }
                nodeWeights = [Double](repeating: 1 / Double(n), count: n)
            }
            var dx: [Double] = [], dy: [Double] = [], weight: [Double] = []
            for k in nodes.indices {
                for l in nodes.indices {
                    dx.append(width * nodes[k])
                    dy.append(height * nodes[l])
                    weight.append(nodeWeights[k] * nodeWeights[l])
                }
            }
            (self.dx, self.dy, self.weight, isPoint) = (dx, dy, weight, false)
            axisX = nodes.indices.map { (width * nodes[$0], nodeWeights[$0]) }
            axisY = nodes.indices.map { (height * nodes[$0], nodeWeights[$0]) }
        }
        reach = zip(dx, dy).map { ($0 * $0 + $1 * $1).squareRoot() }.max() ?? 0
        reachX = axisX.map { abs($0.offset) }.max() ?? 0
        reachY = axisY.map { abs($0.offset) }.max() ?? 0
    }

    /// Covariance between the support and itself: the sill for a point, the mean covariance over all
    /// pairs of discretisation points for a block (without the nugget, which has no block support).
    func selfCovariance(_ model: VariogramModel) -> Double {
        if isPoint { return model.sill }
        var sum = 0.0
        for k in 0..<count {
            for l in 0..<count {
                let ex = dx[k] - dx[l], ey = dy[k] - dy[l]
                sum += weight[k] * weight[l] * model.continuousCovariance((ex * ex + ey * ey).squareRoot())
            }
        }
        return sum
    }
}
