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
}
