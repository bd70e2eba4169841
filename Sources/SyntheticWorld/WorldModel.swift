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

    /// The world's fields prepared over a pixel window, for `ground(column:row:in:)` anywhere inside it.
    public struct Region: Sendable {
        public let window: Window
        let content: FieldLattice
        let albedo: FieldLattice
        let vegetation: FieldLattice
        let villages: [WorldLayout.Village]
        /// Worlds with terrain only: the terrain over `window`, cell by cell.
        public let terrain: TerrainTile?
        /// Vegetation gained per metre of negative topographic position (0 without terrain).
        let valleyVegetation: Double

        /// The crust's terrain factor and the topographic position (metres) at a point of the grid:
        /// those of the 4 m DEM cell holding it (the DEM is on the scene's grid, and, like the fine
        /// texture, they are constant over each ground cell); 1 and 0 without terrain.
        @inline(__always)
        func terrainAt(column: Double, row: Double) -> (factor: Double, position: Double) {
            guard let terrain else { return (1, 0) }
            // Clamped into the window: a point on its far edge belongs to the last cell.
            let c = min(max(Int(column.rounded(.down)) - window.x, 0), window.width - 1)
            let r = min(max(Int(row.rounded(.down)) - window.y, 0), window.height - 1)
            let i = r * window.width + c
            return (Double(terrain.factor[i]), Double(terrain.position[i]))
        }
    }

    /// What the ground holds at one point of the world, before any sensor sees it.
    public struct GroundPoint: Sendable {
        /// True RE2O3 content.
        public var content: Double
        /// 0 outside, 1 inside zone I, 2 inside zone II.
        public var zone: UInt8
        public var cover: LandCover
        /// Vegetation cover fraction (0…1).
        public var vegetation: Double
        /// Top-of-atmosphere reflectance, blue, green, red, NIR.
        public var reflectance: SIMD4<Double>
    }

    /// Lattices, villages and (in worlds with terrain) the terrain covering `window` (pixels of the
    /// world's grid; any position, also beyond the scene).
    public func region(covering window: Window) -> Region {
        let ps = parameters.pixelSize
        return Region(window: window, content: contentField.lattice(covering: window, pixelSize: ps),
                      albedo: albedoField.lattice(covering: window, pixelSize: ps),
                      vegetation: vegetationField.lattice(covering: window, pixelSize: ps), villages: villages(touching: window),
                      terrain: terrain?.surface(window), valleyVegetation: terrain?.parameters.valleyVegetation ?? 0)
    }

    /// The ground at a continuous position of the world's grid (`column`, `row` in pixels from the
    /// north-west corner: pixel edges at whole numbers, centres at ½), inside `region.window`.
    ///
    /// A pure function of position: the smooth fields, zones, rivers and houses are evaluated at the
    /// point itself; the surface's fine texture (per-pixel albedo and leaf variation) and, in worlds
    /// with terrain, the terrain's factor and topographic position are constant over each 4 m ground
    /// cell of the grid, so that a sensor of any geometry sees the ground the ortho world has, point
    /// for point.
    public func ground(column: Double, row: Double, in region: Region) -> GroundPoint {
        let y = row * parameters.pixelSize
        let terrain = region.terrainAt(column: column, row: row)
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: layout.rivers.count) { riverX in
            for r in layout.rivers.indices { riverX[r] = layout.rivers[r].centerX(y: y, meanders: parameters.meanders) }
            return ground(column: column, row: row, y: y, riverX: UnsafeBufferPointer(riverX),
                          terrainFactor: terrain.factor, position: terrain.position, in: region)
        }
    }

    /// `ground(column:row:in:)` with the rivers' centres at this point's northing, `y = row · pixel size`,
    /// and the terrain's factor and topographic position at the point (1 and 0 without terrain) given.
    @inline(__always)
    func ground(column: Double, row: Double, y: Double, riverX: UnsafeBufferPointer<Double>,
                terrainFactor factor: Double, position: Double, in region: Region) -> GroundPoint {
        let p = parameters
        let x = column * p.pixelSize
        // The ground cell holding the point: the texture's hash index.
        let px = Int(column.rounded(.down)), py = Int(row.rounded(.down))
        let zoneI = layout.zones[0], zoneII = layout.zones[1]

        // Content: lognormal background + the two zones, both scaled by the crust's terrain factor
        // (1 without terrain), + enrichment below the mine.
        let bumpI = zoneI.value(x: x, y: y), bumpII = zoneII.value(x: x, y: y)
        var content = (exp(p.contentLogMean + p.contentLogSigma * region.content.value(column: column, row: row)) + bumpI + bumpII) * factor
        let mainDistance = abs(x - riverX[0])
        if mainDistance < p.riverEnrichmentBank {
            // Downstream (south) of the mine: decays with distance, ramps in smoothly at the mine.
            let below = y - zoneI.center[1]
            content += p.riverEnrichment * exp(-max(0, below) / p.riverEnrichmentDecay) / (1 + exp(-below / 80))
        }
        let zone: UInt8 = bumpI * factor > p.zoneMaskLevel * zoneI.amplitude ? 1
            : bumpII * factor > p.zoneMaskLevel * zoneII.amplitude ? 2 : 0

        // Land cover.
        var cover = LandCover.bareCrust
        if riverX.contains(where: { abs(x - $0) < p.riverWidth / 2 }) {
            cover = .water
        } else if region.villages.contains(where: { hypot(x - $0.center[0], y - $0.center[1]) < $0.radius }) && isHouse(x: x, y: y) {
            cover = .buildings
        }
        // The mine is cleared ground; elsewhere a smooth field decides the vegetation cover,
        // raised on valley floors (negative topographic position) in worlds with terrain.
        let valley = max(0, -position)
        var vegetation = min(1, max(0, (region.vegetation.value(column: column, row: row) + region.valleyVegetation * valley
            - p.vegetationThreshold) / p.vegetationSoftness))
        vegetation *= 1 - bumpI / zoneI.amplitude
        if cover == .bareCrust && vegetation >= 0.5 { cover = .vegetation }

        // Reflectance.
        let albedo = 1 + p.albedoFieldSigma * region.albedo.value(column: column, row: row)
            + p.albedoPixelSigma * hash.normal(Stream.albedoNoise.rawValue, px, py)
        var reflectance = SIMD4<Double>()
        for b in 0..<4 {
            switch cover {
            case .water:
                reflectance[b] = p.waterReflectance[b] * (1 + 0.05 * hash.normal(Stream.vegetationNoise.rawValue << 4 | UInt64(b), px, py))
            case .buildings:
                reflectance[b] = b == 3 ? p.buildingNIR * albedo
                    : albedo * (p.soilReflectance[b] - p.soilContentSlope[b] * p.buildingMimicsContent)
            case .bareCrust, .vegetation:
                let soil = albedo * (p.soilReflectance[b] - p.soilContentSlope[b] * content)
                let leaf = p.vegetationReflectance[b]
                    * (1 + p.vegetationPixelSigma * hash.normal(Stream.vegetationNoise.rawValue << 4 | UInt64(b), px, py))
                reflectance[b] = vegetation * leaf + (1 - vegetation) * soil
            }
        }
        return GroundPoint(content: content, zone: zone, cover: cover, vegetation: vegetation, reflectance: reflectance)
    }

    /// The DN the sensor records for an exact (noise-free, unrounded) DN and a standard normal draw
    /// `noise`: the sensor noise added, rounded, clipped to 1…`dnMaximum` (0 is nodata).
    @inline(__always)
    public func recordedDN(exact: Double, noise: Double) -> UInt16 {
        let p = parameters
        let noisy = exact + (p.sensorNoiseDN + p.sensorNoiseFraction * exact) * noise
        return UInt16(min(p.dnMaximum, max(1, noisy.rounded())))
    }

    /// Renders a window of the world: the ground at each pixel centre (with the terrain of that
    /// pixel), seen by the sensor with the noise of that pixel.
    public func render(_ window: Window) -> WorldTile {
        let p = parameters, ps = p.pixelSize, n = window.pixelCount
        let region = self.region(covering: window)
        var tile = WorldTile(window: window, dn: [UInt16](repeating: 0, count: 4 * n),
                             reflectance: [Float](repeating: 0, count: 4 * n), content: [Float](repeating: 0, count: n),
                             landCover: [UInt8](repeating: 0, count: n), vegetation: [Float](repeating: 0, count: n),
                             zones: [UInt8](repeating: 0, count: n), terrain: region.terrain)
        var riverX = [Double](repeating: 0, count: layout.rivers.count)
        for row in 0..<window.height {
            let py = window.y + row
            let centreRow = Double(py) + 0.5
            let y = centreRow * ps
            for r in layout.rivers.indices { riverX[r] = layout.rivers[r].centerX(y: y, meanders: p.meanders) }
            riverX.withUnsafeBufferPointer { riverX in
                for column in 0..<window.width {
                    let px = window.x + column
                    let i = row * window.width + column
                    let factor = region.terrain.map { Double($0.factor[i]) } ?? 1
                    let position = region.terrain.map { Double($0.position[i]) } ?? 0
                    let point = ground(column: Double(px) + 0.5, row: centreRow, y: y, riverX: riverX,
                                       terrainFactor: factor, position: position, in: region)
                    tile.content[i] = Float(point.content)
                    tile.zones[i] = point.zone
                    tile.landCover[i] = point.cover.rawValue
                    tile.vegetation[i] = Float(point.vegetation)
                    for b in 0..<4 {
                        let rho = point.reflectance[b]
                        tile.reflectance[b * n + i] = Float(rho)
                        tile.dn[b * n + i] = recordedDN(exact: sensor.dn(reflectance: rho, band: b),
                                                        noise: hash.normal(Stream.sensorNoise.rawValue << 4 | UInt64(b), px, py))
                    }
                }
            }
        }
        return tile
    }
}
