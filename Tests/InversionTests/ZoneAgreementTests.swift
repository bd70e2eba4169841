import Foundation
import Inversion
import Testing
import TestSupport

@Suite struct ZoneAgreementTests {
    /// Area ranks 1 and 2 on zone 7, a NaN (no zone) pixel, and — in the second zones raster —
    /// an infinite zone number, which used to trap converting to Int.
    @Test func zonesAreWholeNumbersOrRefusedNamingTheFile() throws {
        let dir = try TemporaryDirectory()
        let labels = try TestRasters.writeFloat(dir.file("labels.tif"), width: 4, height: 1, values: [1, 2, 0, 0], nodata: nil)
        let zones = try TestRasters.writeFloat(dir.file("zones.tif"), width: 4, height: 1, values: [7, 7, .nan, 0], nodata: nil)
        let agreement = try ZoneAgreement.measure(labels: labels, zones: zones)
        #expect(agreement.ranksByZone == [7: [1, 2]] && agreement.iou == 1)

        let broken = try TestRasters.writeFloat(dir.file("broken.tif"), width: 4, height: 1, values: [7, .infinity, 0, 0], nodata: nil)
        let error = #expect(throws: InversionError.self) { try ZoneAgreement.measure(labels: labels, zones: broken) }
        #expect(error?.description == "\(broken): holds the value inf, not a zone or area number")
    }

    /// Within the support (pixel 3 is beyond it) and the truth's own overlap at the areas' threshold, counted by hand.
    @Test func overlapWithinTheSupportAndTheTruthsOwnBound() throws {
        let dir = try TemporaryDirectory()
        let labels = try TestRasters.writeFloat(dir.file("labels.tif"), width: 4, height: 1, values: [1, 0, 1, 0], nodata: nil)
        let zones = try TestRasters.writeFloat(dir.file("zones.tif"), width: 4, height: 1, values: [1, 1, 0, 0], nodata: nil)
        let support = try TestRasters.writeFloat(dir.file("support.tif"), width: 4, height: 1, values: [1, 1, -9999, 1])
        let truth = try TestRasters.writeFloat(dir.file("truth.tif"), width: 4, height: 1, values: [8, 3, 9, 2])
        let agreement = try ZoneAgreement.measure(labels: labels, zones: zones, support: support, truth: (truth, 5))
        // Areas {0, 2}, zones {0, 1}: 1 of 3 over the scene, 1 of 2 within {0, 1, 3}; the truth ≥ 5 is {0, 2} as well.
        #expect(agreement.iou == 1.0 / 3 && agreement.iouWithinSupport == 0.5)
        #expect(agreement.truthIoU == 1.0 / 3 && agreement.truthIoUWithinSupport == 0.5)
        let plain = try ZoneAgreement.measure(labels: labels, zones: zones)
        #expect(plain.iouWithinSupport == nil && plain.truthIoU == nil)
    }
}
