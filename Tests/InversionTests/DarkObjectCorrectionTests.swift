import Foundation
import RasterIO
import Testing
import TestSupport
@testable import Inversion

/// The scene-wide dark object from the streamed 4096-bin histogram against the exact percentile of
/// the sorted valid pixels, on random scenes (odd sizes, several tiles, dead pixels, nodata, NaN).
@Suite struct DarkObjectCorrectionTests {
    /// The exact `percent` % point of the sorted values: the smallest value with at least that share
    /// of the values at or below it.
    static func exactPercentile(_ sorted: [Double], _ percent: Double) -> Double {
        let rank = Int((percent / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count, max(1, rank)) - 1]
    }

    @Test(arguments: 0..<2)
    func darkDNMatchesSortedPercentileWithinOneBin(scene: Int) throws {
        var random = SeededGenerator(seed: 0xD05_0000 + UInt64(scene))
        let folder = try TemporaryDirectory("dark-object")
        let width = Int.random(in: 130...300, using: &random), height = Int.random(in: 70...200, using: &random)
        let floating = scene % 2 == 1
        let nodata: Double = floating ? -9999 : 0
        var values = [Double](repeating: 0, count: 4 * width * height)
        for b in 0..<4 {
            // A haze floor per band, a skewed bulk, dark shadows and a few dead pixels.
            let floor = Double.random(in: 60...300, using: &random)
            for i in 0..<(width * height) {
                let u = Double.random(in: 0..<1, using: &random)
                var dn = floor + 900 * u * u * u + Double.random(in: 0..<40, using: &random)
                if i % 997 == 13 { dn = Double.random(in: 1...5, using: &random) }
                if i % 389 == 7 { dn = nodata }
                if floating && i % 271 == 3 { dn = .nan }
                values[b * width * height + i] = floating ? dn : dn.rounded()
            }
        }
        let path = folder.file("scene.tif")
        let spec = RasterSpec(width: width, height: height, bandCount: 4, pixelType: floating ? .float32 : .uint16,
                              geoTransform: TestRasters.studyAreaOrigin, spatialReference: TestRasters.utm48N, nodata: nodata)
        var options = GeoTIFFOptions()
        options.tileSize = 64
        let output = try GeoTIFFOutput(creating: path, spec: spec, options: options)
        try output.raster.write(Window(width: width, height: height), from: values)
        try output.commit()

        let model = TOAReflectanceModel(coefficients: try CalibrationTable.lookup(satellite: "GF2", sensor: "PMS1", year: 2016),
                                        solarZenith: 35, earthSunDistance: 1.0)
        let validSorted = (0..<4).map { b in
            values[(b * width * height)..<((b + 1) * width * height)].filter { !$0.isNaN && $0 != nodata }.map { Double(Float($0)) }.sorted()
        }
        for percent in [DarkObjectCorrection.defaultPercentile, 1, 50] {
            let result = try DarkObjectCorrection.estimate(scene: path, model: model, percentile: percent, threads: 2)
            for b in 0..<4 {
                let valid = validSorted[b]
                let exact = Self.exactPercentile(valid, percent)
                let binWidth = (valid.last! - valid.first!) / 4096
                // The histogram interpolates inside the bin that holds the exact value: at most one
                // bin width apart (measured up to 0.80 of a bin).
                #expect(abs(result.darkDN[b] - exact) <= binWidth, "scene \(scene) band \(b + 1) at \(percent) %: \(result.darkDN[b]) vs \(exact)")
                let slope = model.reflectance(dn: 1, band: b) - model.reflectance(dn: 0, band: b)
                let exactHaze = max(0, model.reflectance(dn: exact, band: b) - DarkObjectCorrection.darkObjectReflectance)
                #expect(abs(result.haze[b] - exactHaze) <= slope * binWidth + 1e-15, "scene \(scene) band \(b + 1) haze")
            }
        }
    }
}
