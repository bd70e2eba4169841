import Foundation
import RasterIO

/// A Sentinel-1-like σ⁰ raster (VV, VH in dB) of a world with terrain, on its own grid: cells of
/// `pixelSize` metres aligned to multiples of it, covering the scene, in the scene's CRS.
///
/// Each scene pixel (4 m) backscatters by its land cover, vegetation fraction, content, soil moisture
/// and local incidence angle (see `BackscatterParameters`); a cell averages the linear σ⁰ of the
/// pixels whose centres fall in it, then takes seeded gamma speckle. Every value is a function of
/// the world's pixels and the cell's position, so any window of cells is computed alone.
struct SyntheticBackscatter: Sendable {
    let model: WorldModel
    let parameters: BackscatterParameters
    /// The scene's north-west corner (map metres) and the grid's.
    let sceneWest: Double, sceneNorth: Double
    let west: Double, north: Double
    let width: Int, height: Int

    init(scene: SyntheticScene, parameters p: BackscatterParameters) {
        model = scene.model
        parameters = p
        let t = scene.geoTransform, cell = p.pixelSize
        sceneWest = t.originX
        sceneNorth = t.originY
        west = (t.originX / cell).rounded(.down) * cell
        north = (t.originY / cell).rounded(.up) * cell
        width = Int(((t.originX + Double(scene.width) * t.pixelWidth - west) / cell).rounded(.up))
        height = Int(((north - (t.originY - Double(scene.height) * t.pixelWidth)) / cell).rounded(.up))
    }

    var geoTransform: GeoTransform {
        GeoTransform(originX: west, originY: north, pixelWidth: parameters.pixelSize, pixelHeight: parameters.pixelSize)
    }

    /// σ⁰ of a window of cells, dB, band-sequential (VV then VH).
    func render(_ cells: Window) -> [Float] {
        let p = parameters, ps = model.parameters.pixelSize, cell = p.pixelSize
        // The scene pixels whose centres can fall in these cells.
        let px0 = Int(((west + Double(cells.x) * cell - sceneWest) / ps).rounded(.down)) - 1
        let px1 = Int(((west + Double(cells.maxX) * cell - sceneWest) / ps).rounded(.up)) + 1
        let py0 = Int(((sceneNorth - (north - Double(cells.y) * cell)) / ps).rounded(.down)) - 1
        let py1 = Int(((sceneNorth - (north - Double(cells.maxY) * cell)) / ps).rounded(.up)) + 1
        let pixels = Window(x: px0, y: py0, width: px1 - px0, height: py1 - py0)
        let world = model.render(pixels)
        guard let terrain = world.terrain else { preconditionFailure("backscatter needs a world with terrain") }

        let theta = p.incidenceAngle * .pi / 180, look = p.lookAzimuth * .pi / 180
        // Unit vector from the ground towards the satellite (east, north, up).
        let toSensor = (-sin(theta) * sin(look), -sin(theta) * cos(look), cos(theta))
        func linear(_ dB: Double) -> Double { pow(10, dB / 10) }
        let vegetation = p.vegetation.map(linear), water = p.water.map(linear), buildings = p.buildings.map(linear)
        var sums = [Double](repeating: 0, count: 2 * cells.pixelCount)
        var counts = [Int](repeating: 0, count: cells.pixelCount)
        for row in 0..<pixels.height {
            let y = sceneNorth - (Double(pixels.y + row) + 0.5) * ps
            let j = Int(((north - y) / cell).rounded(.down)) - cells.y
            guard j >= 0, j < cells.height else { continue }
            for column in 0..<pixels.width {
                let x = sceneWest + (Double(pixels.x + column) + 0.5) * ps
                let i = Int(((x - west) / cell).rounded(.down)) - cells.x
                guard i >= 0, i < cells.width else { continue }
                let k = row * pixels.width + column
                let sigma: (Double, Double)
                switch LandCover(rawValue: world.landCover[k])! {
                case .water: sigma = (water[0], water[1])
                case .buildings: sigma = (buildings[0], buildings[1])
                case .bareCrust, .vegetation:
                    // Local incidence: the angle between the surface normal and the look vector.
                    let gx = Double(terrain.gradientEast[k]), gy = Double(terrain.gradientNorth[k])
                    let cosLocal = (-gx * toSensor.0 - gy * toSensor.1 + toSensor.2) / (gx * gx + gy * gy + 1).squareRoot()
                    let incidence = 10 * p.incidenceExponent * log10(max(cosLocal, 0.05) / cos(theta))
                    let moisture = min(p.moistureLimits[1], max(p.moistureLimits[0],
                                                                p.referenceMoisture - p.valleyMoisture * Double(terrain.position[k])))
                    let soilDB = p.soilVV + incidence + p.moistureSensitivity * (moisture - p.referenceMoisture)
                        + p.contentSensitivity * Double(world.content[k])
                    let f = Double(world.vegetation[k])
                    sigma = (f * vegetation[0] + (1 - f) * linear(soilDB), f * vegetation[1] + (1 - f) * linear(soilDB + p.soilCrossRatio))
                }
                let c = j * cells.width + i
                sums[c] += sigma.0
                sums[cells.pixelCount + c] += sigma.1
                counts[c] += 1
            }
        }
        let hash = model.hash, looks = p.looks
        var out = [Float](repeating: 0, count: 2 * cells.pixelCount)
        for c in 0..<cells.pixelCount {
            let i = cells.x + c % cells.width, j = cells.y + c / cells.width
            for band in 0..<2 {
                // Gamma(L, 1/L): the mean of L unit exponentials.
                var speckle = 0.0
                for look in 0..<looks {
                    speckle -= log(1 - hash.uniform(Stream.speckle.rawValue, i, (j * 2 + band) * looks + look))
                }
                let sigma = sums[band * cells.pixelCount + c] / Double(max(1, counts[c])) * speckle / Double(looks)
                out[band * cells.pixelCount + c] = Float(10 * log10(max(sigma, 1e-6)))
            }
        }
        return out
    }
}
