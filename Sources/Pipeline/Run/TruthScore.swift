import Foundation
import Inversion
import RasterIO
import TileEngine

/// The map and its anomaly areas scored against a synthetic world's truth: the true content and
/// the true anomaly zones (1, 2, …).
struct TruthScore {
    var content: String
    var zones: String
    /// The areas ranked this high or better must hit every zone.
    var topRanks = 3

    /// `support`: a map nodata beyond the samples' support; the map is scored within it only.
    /// `interval`: the map's prediction interval (lower, upper), whose coverage of the true content
    /// is measured over the same pixels.
    /// `threshold`: the anomaly areas' threshold, at which the true content is thresholded too.
    func score(map: String, labels: String, masks: AnomalyDelineation.Masks, support: String? = nil, interval: String? = nil,
               threshold: Double? = nil) throws -> RunReport.TruthCheck {
        // Truth written on another extent of the map's lattice (an orthorectified L1A product covers
        // more ground than its world) is read through views on the map's grid.
        let views = FileManager.default.temporaryDirectory.appendingPathComponent("regolith-truth-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: views) }
        let grid = try Raster.open(map)
        func onMapGrid(_ truth: String, nodata: Double) throws -> String {
            let raster = try Raster.open(truth)
            if raster.width == grid.width && raster.height == grid.height && raster.geoTransform == grid.geoTransform { return truth }
            try FileManager.default.createDirectory(atPath: views, withIntermediateDirectories: true)
            let view = (views as NSString).appendingPathComponent(URL(fileURLWithPath: truth).deletingPathExtension().lastPathComponent + ".vrt")
            try RasterCopies.buildVRT(of: truth, onGridOf: grid, to: view, nodata: raster.bands[0].nodata ?? nodata)
            return view
        }
        let content = try onMapGrid(content, nodata: -9999), zones = try onMapGrid(zones, nodata: 0)
        let comparison = try MapComparison.compare(map: map, reference: content, mask: masks, support: support)
        let agreement = try ZoneAgreement.measure(labels: labels, zones: zones, support: support, truth: threshold.map { (content, $0) })
        let hits = agreement.ranksByZone.values.allSatisfy { ($0.first ?? .max) <= topRanks }
        let everyZoneHit = try agreement.ranksByZone.count == zoneCount(zones)
        var check = RunReport.TruthCheck(map: comparison, zones: agreement, topRanks: topRanks, hitsAllZones: hits && everyZoneHit)
        check.intervalCoverage = try interval.flatMap { try IntervalCoverage.measure(interval: $0, reference: content, mask: masks, support: support) }
        return check
    }

    /// The largest zone number in the zones raster.
    private func zoneCount(_ zones: String) throws -> Int {
        let maximum = try StatisticsPass.run(path: zones, bands: [1])[0].maximum
        guard maximum.isFinite, maximum >= 0, maximum < 1_000_000 else {
            throw InversionError("\(zones): the zone numbers run to \(maximum); a zones raster numbers its zones 1, 2, …")
        }
        return Int(maximum.rounded())
    }
}
