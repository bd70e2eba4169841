import Foundation
import RasterIO
import TileEngine

/// Two content maps on one grid compared as numbers (the paper's Figure 10 comparison of the
/// inverted map with the kriged geochemical map, or a map against a known truth): correlation,
/// R², RMSE and bias over the pixels valid in both, and how well their high-anomaly areas agree
/// (each map thresholded at its own upper percentile).
public struct MapComparison: Sendable, Codable, Equatable {
    public let pixels: Int
    public let pearson: Double
    /// 1 − Σ(map − reference)² / Σ(reference − mean)²: the map as a prediction of the reference.
    public let r2: Double
    public let rmse: Double
    /// Mean of map − reference.
    public let bias: Double
    public let highPercentile: Double
    public let mapThreshold: Double
    public let referenceThreshold: Double
    /// Intersection over union of the two high-anomaly masks.
    public let highIoU: Double
    /// Share of the reference's high pixels that the map also calls high.
    public let highRecall: Double

    /// Pixels the `mask` excludes (vegetation, water: where the map's model does not apply), and
    /// pixels that are nodata in `support` (a map masked beyond the samples' support, such as the
    /// kriged map), are left out of every figure, the percentile thresholds included.
    public static func compare(map: String, reference: String, highPercentile: Double = 90,
                               mask: AnomalyDelineation.Masks = .init(), support: String? = nil) throws -> MapComparison {
        let a = try Raster.open(map), b = try Raster.open(reference)
        try SameGrid.check(a, b)
        let maskScene = try mask.isActive ? mask.scene.map { try Raster.open($0) } : nil
        if let maskScene { try SameGrid.check(a, maskScene) }
        let supportMap = try support.map { try Raster.open($0) }
        if let supportMap { try SameGrid.check(a, supportMap) }
        let supportNodata = supportMap?.bands[0].nodata.map(Float.init)
        guard let mapThreshold = try AnomalyDelineation.percentile(highPercentile, of: map, masks: mask, support: support),
              let referenceThreshold = try AnomalyDelineation.percentile(highPercentile, of: reference, masks: mask, support: support) else {
            throw InversionError("\(map): no valid pixels to compare")
        }
        let nodataA = a.bands[0].nodata.map(Float.init), nodataB = b.bands[0].nodata.map(Float.init)
        var n = 0.0, sumA = 0.0, sumB = 0.0, sumAA = 0.0, sumBB = 0.0, sumAB = 0.0
        var both = 0, either = 0, referenceHigh = 0
        let stripsA = RowStrips(a, bands: [1])
        try stripsA.forEach { firstRow, rows, valuesA in
            let valuesB = try b.read(Window(x: 0, y: firstRow, width: b.width, height: rows), bands: [1], as: Float.self)
            let scene = try maskScene?.read(Window(x: 0, y: firstRow, width: a.width, height: rows), bands: mask.bands, as: Float.self)
            let supported = try supportMap?.read(Window(x: 0, y: firstRow, width: a.width, height: rows), bands: [1], as: Float.self)
            let plane = valuesA.count
            for i in 0..<valuesA.count {
                let u = valuesA[i], v = valuesB[i]
                guard !u.isNaN, !v.isNaN, u != nodataA, v != nodataB else { continue }
                if let supported, supported[i].isNaN || supported[i] == supportNodata { continue }
                if let scene, mask.excludes(green: scene[i], red: scene[plane + i], nir: scene[2 * plane + i]) { continue }
                let x = Double(u), y = Double(v)
                n += 1; sumA += x; sumB += y; sumAA += x * x; sumBB += y * y; sumAB += x * y
                let highA = x >= mapThreshold, highB = y >= referenceThreshold
                if highA && highB { both += 1 }
                if highA || highB { either += 1 }
                if highB { referenceHigh += 1 }
            }
        }
        guard n > 1 else { throw InversionError("\(map): fewer than two pixels valid in both \(map) and \(reference)") }
        let meanA = sumA / n, meanB = sumB / n
        let covariance = sumAB / n - meanA * meanB
        let varA = sumAA / n - meanA * meanA, varB = sumBB / n - meanB * meanB
        let squaredError = sumAA - 2 * sumAB + sumBB
        return MapComparison(pixels: Int(n), pearson: covariance / (varA * varB).squareRoot(),
                             r2: 1 - squaredError / (varB * n), rmse: (squaredError / n).squareRoot(), bias: meanA - meanB,
                             highPercentile: highPercentile, mapThreshold: mapThreshold, referenceThreshold: referenceThreshold,
                             highIoU: either > 0 ? Double(both) / Double(either) : .nan,
                             highRecall: referenceHigh > 0 ? Double(both) / Double(referenceHigh) : .nan)
    }
}

/// Delineated areas against known zones (the synthetic world's truth): overlap of the two masks
/// and which areas touch which zone; optionally within the samples' support, and the overlap the
/// true content itself reaches at the areas' threshold (what a perfect map would give).
public struct ZoneAgreement: Sendable, Codable, Equatable {
    /// Intersection over union of (any area) and (any zone).
    public let iou: Double
    /// For each zone value (> 0), the ranks of the areas overlapping it, best first.
    public let ranksByZone: [Int: [Int]]
    /// `iou` counting only pixels within the support (a map nodata beyond it, e.g. the kriged map).
    public var iouWithinSupport: Double?
    /// The IoU of (true content ≥ the areas' threshold) and (any zone): the bound the world itself
    /// sets when it holds high content outside its zones; over the scene and within the support.
    public var truthIoU: Double?
    public var truthIoUWithinSupport: Double?

    /// `labels`: a raster of area ranks (0 none); `zones`: zone numbers (0 none), on the same grid.
    /// `support`: a raster nodata beyond the samples' support; `truth`: the true content with the
    /// areas' threshold, for `truthIoU`.
    public static func measure(labels: String, zones: String, support: String? = nil,
                               truth: (path: String, threshold: Double)? = nil) throws -> ZoneAgreement {
        let a = try Raster.open(labels), b = try Raster.open(zones)
        try SameGrid.check(a, b)
        let supportMap = try support.map { try Raster.open($0) }, truthMap = try truth.map { try Raster.open($0.path) }
        for other in [supportMap, truthMap].compactMap({ $0 }) { try SameGrid.check(a, other) }
        let supportNodata = supportMap?.bands[0].nodata.map(Float.init), truthNodata = truthMap?.bands[0].nodata.map(Float.init)
        // Counts of (both, either) for the areas and for the thresholded truth, over the scene and within the support.
        var areas = Overlap(), areasInSupport = Overlap(), high = Overlap(), highInSupport = Overlap()
        var overlaps: [Int: Set<Int>] = [:]
        try RowStrips(a, bands: [1]).forEach { firstRow, rows, rank in
            let window = Window(x: 0, y: firstRow, width: b.width, height: rows)
            let zone = try b.read(window, bands: [1], as: Float.self)
            let supported = try supportMap?.read(window, bands: [1], as: Float.self)
            let content = try truthMap?.read(window, bands: [1], as: Float.self)
            for i in 0..<rank.count {
                let r = try Self.number(rank[i], in: labels), z = try Self.number(zone[i], in: zones)
                if r > 0 && z > 0 { overlaps[z, default: []].insert(r) }
                let inSupport = supported.map { !$0[i].isNaN && $0[i] != supportNodata } ?? false
                areas.add(r > 0, z > 0)
                if inSupport { areasInSupport.add(r > 0, z > 0) }
                if let content, let threshold = truth?.threshold, !content[i].isNaN, content[i] != truthNodata {
                    let isHigh = Double(content[i]) >= threshold
                    high.add(isHigh, z > 0)
                    if inSupport { highInSupport.add(isHigh, z > 0) }
                }
            }
        }
        var agreement = ZoneAgreement(iou: areas.iou, ranksByZone: overlaps.mapValues { $0.sorted() })
        if support != nil { agreement.iouWithinSupport = areasInSupport.iou }
        if truth != nil {
            agreement.truthIoU = high.iou
            if support != nil { agreement.truthIoUWithinSupport = highInSupport.iou }
        }
        return agreement
    }

    private struct Overlap {
        var both = 0, either = 0
        mutating func add(_ first: Bool, _ second: Bool) {
            if first && second { both += 1 }
            if first || second { either += 1 }
        }
        var iou: Double { either > 0 ? Double(both) / Double(either) : .nan }
    }

    /// A zone or area number as stored (a float raster; NaN for none), refused when it is not one.
    private static func number(_ value: Float, in path: String) throws -> Int {
        if value.isNaN { return 0 }
        guard value.isFinite, abs(value) < 1e9 else { throw InversionError("\(path): holds the value \(value), not a zone or area number") }
        return Int(value)
    }
}
