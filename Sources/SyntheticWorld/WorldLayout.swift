import Foundation

/// Where the world's features are, in scene-local metres: x east from the scene's west edge,
/// y south from its north edge (pixel (c, r) has its centre at ((c + ½)·4, (r + ½)·4)).
/// Everything is derived from the parameters, the scene size and the seed.
public struct WorldLayout: Sendable, Codable, Equatable {
    public struct Zone: Sendable, Codable, Equatable {
        public var name: String
        public var center: [Double]
        /// Standard deviations along and across `strike` (degrees clockwise from north).
        public var sigmaAlong: Double
        public var sigmaAcross: Double
        public var strike: Double
        public var amplitude: Double
    }

    public struct River: Sendable, Codable, Equatable {
        public var x: Double
        /// Per meander: phase (radians).
        public var phases: [Double]
        public var isMain: Bool
    }

    public struct Village: Sendable, Codable, Equatable {
        public var center: [Double]
        public var radius: Double
    }

    public var width: Double
    public var height: Double
    /// The sampling area: a square [x0, y0, side].
    public var samplingArea: [Double]
    public var zones: [Zone]
    /// The fault: a point and its strike (degrees clockwise from north).
    public var faultPoint: [Double]
    public var faultStrike: Double
    public var rivers: [River]
    /// Villages placed explicitly (the known one); the rest come from `villages(near:)`.
    public var fixedVillages: [Village]

    init(parameters p: WorldParameters, columns: Int, rows: Int, hash: WorldHash) {
        width = Double(columns) * p.pixelSize
        height = Double(rows) * p.pixelSize
        let side = min(p.samplingAreaFraction * min(width, height), p.samplingAreaMaxSide)
        let x0 = (width - side) / 2, y0 = (height - side) / 2
        samplingArea = [x0, y0, side]
        func place(_ f: [Double], _ stream: Int) -> [Double] {
            let jx = (hash.uniform(Stream.layout.rawValue, stream, 1) * 2 - 1) * p.zoneJitter
            let jy = (hash.uniform(Stream.layout.rawValue, stream, 2) * 2 - 1) * p.zoneJitter
            return [x0 + (f[0] + jx) * side, y0 + (f[1] + jy) * side]
        }
        let zoneI = Zone(name: "I", center: place(p.zoneICenter, 1), sigmaAlong: p.zoneISigma * side,
                         sigmaAcross: p.zoneISigma * side, strike: 0, amplitude: p.zoneIAmplitude)
        let zoneII = Zone(name: "II", center: place(p.zoneIICenter, 2), sigmaAlong: p.zoneIISigmaAlong * side,
                          sigmaAcross: p.zoneIISigmaAcross * side, strike: p.faultStrike, amplitude: p.zoneIIAmplitude)
        zones = [zoneI, zoneII]
        let strike = p.faultStrike * .pi / 180
        // "Across" the strike points east-south-east for a NE strike.
        faultPoint = [zoneII.center[0] + p.faultOffset * side * cos(strike), zoneII.center[1] + p.faultOffset * side * sin(strike)]
        faultStrike = p.faultStrike

        func phases(_ k: Int) -> [Double] {
            p.meanders.indices.map { m in hash.uniform(Stream.rivers.rawValue, k, m + 10) * 2 * .pi }
        }
        let mainX = x0 + p.mainRiverOffset * side
        var rivers = [River(x: mainX, phases: phases(-1), isMain: true)]
        let count = Int((width / p.riverSpacing).rounded(.up))
        for k in 0..<count {
            let x = (Double(k) + 0.5 + (hash.uniform(Stream.rivers.rawValue, k, 1) - 0.5) * 0.4) * p.riverSpacing
            if abs(x - mainX) > 1500 && x < width { rivers.append(River(x: x, phases: phases(k), isMain: false)) }
        }
        self.rivers = rivers
        fixedVillages = [Village(center: [x0 + p.knownVillage[0] * side, y0 + p.knownVillage[1] * side], radius: 110)]
    }

    public var zoneI: Zone { zones[0] }
}

extension WorldLayout.Zone {
    /// The bump's value at (x, y) metres.
    @inline(__always)
    func value(x: Double, y: Double) -> Double {
        let dx = x - center[0], dy = y - center[1]
        let theta = strike * .pi / 180
        // Strike direction (clockwise from north) in x-east / y-south coordinates: (sin θ, −cos θ).
        let along = dx * sin(theta) - dy * cos(theta)
        let across = dx * cos(theta) + dy * sin(theta)
        let q = along * along / (sigmaAlong * sigmaAlong) + across * across / (sigmaAcross * sigmaAcross)
        return q > 36 ? 0 : amplitude * exp(-q / 2)
    }
}

extension WorldLayout.River {
    /// The river's centre line x (metres) at y.
    @inline(__always)
    func centerX(y: Double, meanders: [[Double]]) -> Double {
        var x = self.x
        for (m, meander) in meanders.enumerated() {
            x += meander[0] * sin(2 * .pi * y / meander[1] + phases[m])
        }
        return x
    }
}
