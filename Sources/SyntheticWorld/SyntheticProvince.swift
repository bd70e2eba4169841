import Foundation
import RasterIO

/// A province for multi-product mapping (`regolith synth --province R×C`): one world over the whole
/// region (one truth, one DEM, one sample survey) imaged by R × C overlapping L1A products, each
/// with its own acquisition date and time (so its own sun), satellite angles, calibration year and
/// sensor noise; one of them, chosen by the seed, is cloudy (`cloudCover` of its window, `CloudLayer`).
///
/// Layout: product (row j, column i) covers the world-grid window at
/// (i · (width − overlapX), j · (height − overlapY)), `width` × `height` pixels, so neighbours
/// share `overlapX` columns or `overlapY` rows (the overlap fraction of the product's size, at
/// least 8 pixels). The L1A image of each sees a little more ground than its window (its camera is
/// rotated against the map), as real neighbouring products do.
///
/// The world is the single-scene world with three changes, so that the province tests what a
/// province needs: the sampling area covers 90 % of the region (samples in every product); the two
/// anomaly zones are centred on product borders (zone I on the border between the first two
/// columns, zone II on the border between the last two rows; in a single row or column both on
/// borders, apart) with no seeded jitter; and their size is the single scene's, or
/// `zoneSigmaOfProductSide` × the product's shorter side for the zone I's standard deviation when
/// that is smaller, so that each is wider than the overlap and than the ground an image sees beyond
/// its window: no single product holds a whole zone, and in a mosaic each zone's pixels come from
/// more than one product. With terrain, the crust's
/// factor scales the zones as it scales the content, and may shrink one off its border.
public struct SyntheticProvince: Sendable {
    public let rows: Int, columns: Int
    /// Each product's window on the world grid, pixels.
    public let productWidth: Int, productHeight: Int
    /// Columns (rows) shared by horizontal (vertical) neighbours.
    public let overlapX: Int, overlapY: Int
    /// The region's world: its grid, truth and reference acquisition (the ortho scene in `truth/`).
    public private(set) var scene: SyntheticScene
    /// One per product, row by row from the north-west.
    public let acquisitions: [ProductAcquisition]
    /// Each product's calibration year (the year of its acquisition), in `acquisitions` order.
    public let calibrationYears: [Int]
    /// The index of the cloudy product in `acquisitions`.
    public let cloudyProduct: Int

    /// GF-2 PMS1 multispectral gains (blue, green, red, NIR; offsets 0) by year: CRESDA's published
    /// coefficients for 2015–2018, the rows `WorldParameters.sensorGains` cites (same sources);
    /// `Inversion`'s `CalibrationTable` holds the same rows, which a test checks.
    public static let pms1Gains: [Int: [Double]] = [
        2015: [0.1457, 0.1604, 0.1550, 0.1731],
        2016: [0.1322, 0.1550, 0.1477, 0.1613],
        2017: [0.1193, 0.1530, 0.1424, 0.1569],
        2018: [0.1356, 0.1736, 0.1644, 0.1788],
    ]

    /// Mean orbit height of GF-2 (km), which relates a view's incidence angle on the ground to its
    /// off-nadir angle at the satellite.
    public static let orbitHeight = 631.0
    public static let defaultOverlap = 0.12
    /// Zone I's standard deviation at most, as a fraction of the product's shorter side. At 0.12 the
    /// rotated images of a 3 × 3 province of 128-pixel products each saw one whole zone (about 10
    /// pixels beyond their windows), so a mosaic took it from one product.
    public static let zoneSigmaOfProductSide = 0.2
    /// The share of the cloudy product's window its clouds hide at least half.
    public static let cloudCover = 0.3

    /// The province of `rows` × `columns` products of `productWidth` × `productHeight` pixels
    /// overlapping by `overlap` of their size, from `seed`; with `terrain`, its world stands on
    /// hills that shape the crust (`l1a`'s camera sizes the DEM).
    public init(rows: Int, columns: Int, productWidth: Int, productHeight: Int, overlap: Double = defaultOverlap, seed: UInt64,
                parameters: WorldParameters = WorldParameters(), l1a: L1AParameters = L1AParameters(),
                terrain: TerrainParameters? = nil) throws {
        guard rows >= 1, columns >= 1, rows * columns >= 2 else {
            throw SynthError("a province needs at least two products, got \(rows) × \(columns)")
        }
        guard productWidth >= 64, productHeight >= 64 else {
            throw SynthError("a province's products need at least 64 × 64 pixels, got \(productWidth) × \(productHeight)")
        }
        guard overlap.isFinite, overlap > 0, overlap < 0.5 else { throw SynthError("the overlap must lie between 0 and 0.5, got \(overlap)") }
        self.rows = rows
        self.columns = columns
        self.productWidth = productWidth
        self.productHeight = productHeight
        overlapX = max(8, Int((overlap * Double(productWidth)).rounded()))
        overlapY = max(8, Int((overlap * Double(productHeight)).rounded()))
        let stepX = productWidth - overlapX, stepY = productHeight - overlapY
        let width = columns * stepX + overlapX, height = rows * stepY + overlapY

        // The world: sampling area over 90 % of the region, zones on product borders (pixels).
        var p = parameters
        let ps = p.pixelSize
        let side = 0.9 * Double(min(width, height)) * ps
        p.samplingAreaFraction = 0.9
        p.samplingAreaMaxSide = side
        let sigmaI = min(parameters.zoneISigma * parameters.samplingAreaMaxSide, Self.zoneSigmaOfProductSide * Double(min(productWidth, productHeight)) * ps)
        let shrink = sigmaI / (parameters.zoneISigma * side)
        p.zoneISigma *= shrink
        p.zoneIISigmaAlong *= shrink
        p.zoneIISigmaAcross *= shrink
        p.zoneJitter = 0
        func border(_ k: Int, step: Int, overlap: Int) -> Double { Double((k + 1) * step) + Double(overlap) / 2 }
        func centre(_ k: Int, step: Int, size: Int) -> Double { Double(k * step) + Double(size) / 2 }
        let zoneI: (Double, Double), zoneII: (Double, Double)
        switch (rows, columns) {
        case (1, _):
            zoneI = (border(0, step: stepX, overlap: overlapX), centre(0, step: stepY, size: productHeight) - Double(productHeight) / 4)
            zoneII = (border(columns - 2, step: stepX, overlap: overlapX), centre(0, step: stepY, size: productHeight) + Double(productHeight) / 4)
        case (_, 1):
            zoneI = (centre(0, step: stepX, size: productWidth) - Double(productWidth) / 4, border(0, step: stepY, overlap: overlapY))
            zoneII = (centre(0, step: stepX, size: productWidth) + Double(productWidth) / 4, border(rows - 2, step: stepY, overlap: overlapY))
        default:
            zoneI = (border(0, step: stepX, overlap: overlapX), centre(0, step: stepY, size: productHeight))
            zoneII = (centre(columns - 1, step: stepX, size: productWidth), border(rows - 2, step: stepY, overlap: overlapY))
        }
        let x0 = (Double(width) * ps - side) / 2, y0 = (Double(height) * ps - side) / 2
        func fraction(_ point: (Double, Double)) -> [Double] { [(point.0 * ps - x0) / side, (point.1 * ps - y0) / side] }
        p.zoneICenter = fraction(zoneI)
        p.zoneIICenter = fraction(zoneII)
        var scene = try SyntheticScene(width: width, height: height, seed: seed, parameters: p)

        // The products.
        let hash = WorldHash(seed: seed), stream = Stream.province.rawValue
        let years = Self.pms1Gains.keys.sorted()
        let firstYear = Int(seed % UInt64(years.count))
        let count = rows * columns
        cloudyProduct = Int(hash.bits(stream, -1, 0) % UInt64(count))
        let toLonLat = try CoordinateTransformer(from: scene.spatialReference, to: .wgs84)
        func r6(_ v: Double) -> Double { (v * 1e6).rounded() / 1e6 }
        var acquisitions: [ProductAcquisition] = [], calibrationYears: [Int] = []
        for k in 0..<count {
            let window = Window(x: (k % columns) * stepX, y: (k / columns) * stepY, width: productWidth, height: productHeight)
            let year = years[(firstYear + k) % years.count]
            // The dry season (October to March), around GF-2's 10:30 local solar time pass over Guangxi.
            let month = [10, 11, 12, 1, 2, 3][Int(hash.bits(stream, k, 1) % 6)]
            let day = 1 + Int(hash.bits(stream, k, 2) % 28)
            let minute = Int(hash.bits(stream, k, 3) % 40), second = Int(hash.bits(stream, k, 4) % 60)
            let time = AcquisitionTime(String(format: "%04d-%02d-%02d 03:%02d:%02d", year, month, day, minute, second))!
            let corners = try toLonLat.transform([(0.0, 0.0), (1, 0), (1, 1), (0, 1)].map { u, v in
                scene.geoTransform.map(column: Double(window.x) + u * Double(window.width), row: Double(window.y) + v * Double(window.height))
            })
            let centre = scene.geoTransform.map(column: Double(window.x) + Double(window.width) / 2,
                                                row: Double(window.y) + Double(window.height) / 2)
            let middle = try toLonLat.transform(x: centre.x, y: centre.y)
            let sun = SunPosition(at: time, longitude: middle.x, latitude: middle.y)
            let noiseSeed = WorldHash.mix(seed ^ (UInt64(k + 1) &* 0x9E37_79B9_7F4A_7C15))
            let clouds = k == cloudyProduct ? CloudLayer(seed: noiseSeed, cover: Self.cloudCover, over: window, pixelSize: ps) : nil
            let productID = 6_000_000 + Int(seed % 1000) * 1000 + k
            let metadata = ProductMetadata(
                satelliteID: p.satelliteID, sensorID: p.sensorID, receiveTime: time, solarZenith: r6(sun.zenith), solarAzimuth: r6(sun.azimuth),
                satelliteZenith: r6(1 + 7 * hash.uniform(stream, k, 5)), satelliteAzimuth: r6(360 * hash.uniform(stream, k, 6)),
                widthInPixels: productWidth, heightInPixels: productHeight,
                corners: corners.map { .init(longitude: r6($0.x), latitude: r6($0.y)) },
                otherTags: SyntheticScene.otherTags(productID: productID, pixelSize: ps,
                                                    cloudPercent: clouds?.cloudPercent(over: window, pixelSize: ps) ?? 0,
                                                    utm: scene.spatialReference, seed: seed))
            let sensor = SimulatedSensor(gains: Self.pms1Gains[year]!, offsets: [0, 0, 0, 0], solarIrradiance: p.solarIrradiance,
                                         solarZenith: metadata.solarZenith, earthSunDistance: sun.earthSunDistance)
            let name = SyntheticScene.productName(parameters: p, longitude: middle.x, latitude: middle.y,
                                                  day: String(format: "%04d%02d%02d", year, month, day), productID: productID)
            acquisitions.append(ProductAcquisition(window: window, productName: name, metadata: metadata, sensor: sensor,
                                                   noiseSeed: noiseSeed, clouds: clouds))
            calibrationYears.append(year)
        }
        if let terrain { scene = scene.withTerrain(terrain, l1a: l1a, acquisitions: acquisitions) }
        self.scene = scene
        self.acquisitions = acquisitions
        self.calibrationYears = calibrationYears
    }
}

extension ProductMetadata {
    /// The value of one of the further tags (`CloudPercent`, `ProductID`, …).
    public func tag(_ name: String) -> String? { otherTags.first { $0.tag == name }?.value }

    /// The product's view seen from the satellite: the angle off nadir for a view of incidence
    /// angle `satelliteZenith` on the ground from `orbitHeight` km (spherical Earth).
    public func offNadir(orbitHeight: Double) -> Double {
        let earthRadius = 6371.0
        return asin(earthRadius / (earthRadius + orbitHeight) * sin(satelliteZenith * .pi / 180)) * 180 / .pi
    }
}
