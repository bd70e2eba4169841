import Foundation
import RasterIO

/// Land-cover classes of the synthetic world, as coded in `truth/landcover.tif`.
public enum LandCover: UInt8, Sendable, CaseIterable {
    case bareCrust = 1, vegetation = 2, water = 3, buildings = 4

    public var name: String {
        switch self {
        case .bareCrust: "bare weathering crust (acid volcanic rock)"
        case .vegetation: "vegetation"
        case .water: "water / rivers"
        case .buildings: "buildings / villages"
        }
    }
}

/// Everything the world holds for one window of pixels, band-sequential where there are bands.
public struct WorldTile: Sendable {
    public let window: Window
    /// 4 bands of GF-2-like DN (10-bit range), band-sequential.
    public var dn: [UInt16]
    /// The generator's top-of-atmosphere reflectance before sensor noise and quantisation.
    public var reflectance: [Float]
    /// True RE2O3 content.
    public var content: [Float]
    public var landCover: [UInt8]
    /// Vegetation cover fraction (0…1) mixed into each pixel's spectrum.
    public var vegetation: [Float]
    /// 0 outside, 1 inside zone I (the known mine), 2 inside zone II (the fault prospect).
    public var zones: [UInt8]
    /// Worlds with terrain only: heights, slopes, topographic position and the crust's factor.
    public var terrain: TerrainTile?
}

/// The synthetic world: a pure function from a pixel window to its content, land cover and DN.
/// Any window can be rendered alone; the result never depends on how the scene is tiled.
public struct WorldModel: Sendable {
    public let parameters: WorldParameters
    public let columns: Int
    public let rows: Int
    public let seed: UInt64
    public let layout: WorldLayout
    /// Reflectance → DN for this scene (sun from the acquisition time and place).
    public let sensor: SimulatedSensor
    /// Set in worlds with terrain (`regolith synth --terrain`): the DEM, which then shapes the crust.
    public let terrain: TerrainField?
    let hash: WorldHash
    let contentField: RandomField
    let albedoField: RandomField
    let vegetationField: RandomField

    public init(columns: Int, rows: Int, seed: UInt64, parameters: WorldParameters = WorldParameters(),
                sensor: SimulatedSensor, terrain: TerrainField? = nil) {
        self.parameters = parameters
        self.terrain = terrain
        self.columns = columns
        self.rows = rows
        self.seed = seed
        self.sensor = sensor
        hash = WorldHash(seed: seed)
        layout = WorldLayout(parameters: parameters, columns: columns, rows: rows, hash: hash)
        let lattice = 8 * parameters.pixelSize
        contentField = RandomField(hash: hash, stream: .contentField, range: parameters.contentRange, spacing: lattice)
        albedoField = RandomField(hash: hash, stream: .albedoField, range: parameters.albedoRange, spacing: lattice)
        vegetationField = RandomField(hash: hash, stream: .vegetationField, range: parameters.vegetationRange, spacing: lattice)
    }

    /// Villages whose footprint may touch a window (fixed ones plus the seeded ones of nearby cells).
    func villages(touching window: Window) -> [WorldLayout.Village] {
        let p = parameters, ps = p.pixelSize
        let x0 = Double(window.x) * ps, x1 = Double(window.maxX) * ps
        let y0 = Double(window.y) * ps, y1 = Double(window.maxY) * ps
        let reach = p.villageRadius[1]
        var candidates = layout.fixedVillages
        let ci0 = Int(((x0 - reach) / p.villageCell).rounded(.down)), ci1 = Int(((x1 + reach) / p.villageCell).rounded(.down))
        let cj0 = Int(((y0 - reach) / p.villageCell).rounded(.down)), cj1 = Int(((y1 + reach) / p.villageCell).rounded(.down))
        for cj in cj0...cj1 {
            for ci in ci0...ci1 where hash.uniform(Stream.villageCells.rawValue, ci, cj * 4) < p.villageProbability {
                let cx = (Double(ci) + hash.uniform(Stream.villageCells.rawValue, ci, cj * 4 + 1)) * p.villageCell
                let cy = (Double(cj) + hash.uniform(Stream.villageCells.rawValue, ci, cj * 4 + 2)) * p.villageCell
                let radius = p.villageRadius[0] + hash.uniform(Stream.villageCells.rawValue, ci, cj * 4 + 3) * (p.villageRadius[1] - p.villageRadius[0])
                // Keep the true zones and the main river free of villages: the false anomalies
                // they cause must be told apart from the true ones, not overlap them.
                let clearOfZones = layout.zones.allSatisfy { zone in
                    hypot(cx - zone.center[0], cy - zone.center[1]) > 2.5 * zone.sigmaAlong + radius
                }
                let clearOfRiver = abs(cx - layout.rivers[0].centerX(y: cy, meanders: p.meanders)) > radius + 60
                if clearOfZones && clearOfRiver { candidates.append(.init(center: [cx, cy], radius: radius)) }
            }
        }
        return candidates.filter { v in
            v.center[0] + v.radius >= x0 && v.center[0] - v.radius <= x1 && v.center[1] + v.radius >= y0 && v.center[1] - v.radius <= y1
        }
    }

    /// True when a house stands on the point (x, y) metres of a village.
    @inline(__always)
    func isHouse(x: Double, y: Double) -> Bool {
        let g = parameters.houseGrid
        let hx = Int((x / g).rounded(.down)), hy = Int((y / g).rounded(.down))
        let h = hash.bits(Stream.villageHouses.rawValue, hx, hy)
        guard Double(h >> 11) * 0x1p-53 < parameters.houseProbability else { return false }
        let lx = x - Double(hx) * g, ly = y - Double(hy) * g
        let w = 10 + Double((h >> 3) & 7), d = 8 + Double((h >> 6) & 7)
        return lx >= 3 && lx < 3 + w && ly >= 3 && ly < 3 + d
    }

    /// Renders a window of the world.
    public func render(_ window: Window) -> WorldTile {
        let p = parameters, ps = p.pixelSize, n = window.pixelCount
        let contentLattice = contentField.lattice(covering: window, pixelSize: ps)
        let albedoLattice = albedoField.lattice(covering: window, pixelSize: ps)
        let vegetationLattice = vegetationField.lattice(covering: window, pixelSize: ps)
        let villages = villages(touching: window)
        let zoneI = layout.zones[0], zoneII = layout.zones[1]
        let mineY = zoneI.center[1]

        var tile = WorldTile(window: window, dn: [UInt16](repeating: 0, count: 4 * n),
                             reflectance: [Float](repeating: 0, count: 4 * n), content: [Float](repeating: 0, count: n),
                             landCover: [UInt8](repeating: 0, count: n), vegetation: [Float](repeating: 0, count: n),
                             zones: [UInt8](repeating: 0, count: n), terrain: terrain?.surface(window))
        let valleyVegetation = terrain?.parameters.valleyVegetation ?? 0
        var riverX = [Double](repeating: 0, count: layout.rivers.count)
        for row in 0..<window.height {
            let py = window.y + row
            let y = (Double(py) + 0.5) * ps
            for r in layout.rivers.indices { riverX[r] = layout.rivers[r].centerX(y: y, meanders: p.meanders) }
            for column in 0..<window.width {
                let px = window.x + column
                let x = (Double(px) + 0.5) * ps
                let i = row * window.width + column

                // Content: lognormal background + the two zones, both scaled by the crust's terrain
                // factor (1 without terrain), + enrichment below the mine.
                let factor = tile.terrain.map { Double($0.factor[i]) } ?? 1
                let bumpI = zoneI.value(x: x, y: y), bumpII = zoneII.value(x: x, y: y)
                var content = (exp(p.contentLogMean + p.contentLogSigma * contentLattice.value(px: px, py: py)) + bumpI + bumpII) * factor
                let mainDistance = abs(x - riverX[0])
                if mainDistance < p.riverEnrichmentBank {
                    // Downstream (south) of the mine: decays with distance, ramps in smoothly at the mine.
                    let below = y - mineY
                    content += p.riverEnrichment * exp(-max(0, below) / p.riverEnrichmentDecay) / (1 + exp(-below / 80))
                }
                tile.content[i] = Float(content)
                tile.zones[i] = bumpI * factor > p.zoneMaskLevel * zoneI.amplitude ? 1
                    : bumpII * factor > p.zoneMaskLevel * zoneII.amplitude ? 2 : 0

                // Land cover.
                var cover = LandCover.bareCrust
                if riverX.contains(where: { abs(x - $0) < p.riverWidth / 2 }) {
                    cover = .water
                } else if villages.contains(where: { hypot(x - $0.center[0], y - $0.center[1]) < $0.radius }) && isHouse(x: x, y: y) {
                    cover = .buildings
                }
                // The mine is cleared ground; elsewhere a smooth field decides the vegetation cover,
                // raised on valley floors (negative topographic position) in worlds with terrain.
                let valley = tile.terrain.map { max(0, -Double($0.position[i])) } ?? 0
                var vegetation = min(1, max(0, (vegetationLattice.value(px: px, py: py) + valleyVegetation * valley - p.vegetationThreshold)
                    / p.vegetationSoftness))
                vegetation *= 1 - bumpI / zoneI.amplitude
                if cover == .bareCrust && vegetation >= 0.5 { cover = .vegetation }
                tile.landCover[i] = cover.rawValue
                tile.vegetation[i] = Float(vegetation)

                // Reflectance.
                let albedo = 1 + p.albedoFieldSigma * albedoLattice.value(px: px, py: py)
                    + p.albedoPixelSigma * hash.normal(Stream.albedoNoise.rawValue, px, py)
                for b in 0..<4 {
                    let rho: Double
                    switch cover {
                    case .water:
                        rho = p.waterReflectance[b] * (1 + 0.05 * hash.normal(Stream.vegetationNoise.rawValue << 4 | UInt64(b), px, py))
                    case .buildings:
                        rho = b == 3 ? p.buildingNIR * albedo
                            : albedo * (p.soilReflectance[b] - p.soilContentSlope[b] * p.buildingMimicsContent)
                    case .bareCrust, .vegetation:
                        let soil = albedo * (p.soilReflectance[b] - p.soilContentSlope[b] * content)
                        let leaf = p.vegetationReflectance[b]
                            * (1 + p.vegetationPixelSigma * hash.normal(Stream.vegetationNoise.rawValue << 4 | UInt64(b), px, py))
                        rho = vegetation * leaf + (1 - vegetation) * soil
                    }
                    tile.reflectance[b * n + i] = Float(rho)
                    let exact = sensor.dn(reflectance: rho, band: b)
                    let noisy = exact + (p.sensorNoiseDN + p.sensorNoiseFraction * exact) * hash.normal(Stream.sensorNoise.rawValue << 4 | UInt64(b), px, py)
                    tile.dn[b * n + i] = UInt16(min(p.dnMaximum, max(1, noisy.rounded())))
                }
            }
        }
        return tile
    }
}
