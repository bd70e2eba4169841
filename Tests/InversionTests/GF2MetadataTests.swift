import Foundation
import Inversion
import Testing
import TestSupport

@Suite("GF-2 metadata XML and radiometric calibration")
struct GF2MetadataTests {
    static var fixtureXML: String {
        let folder = Fixtures.path("world")
        let name = try! FileManager.default.contentsOfDirectory(atPath: folder).first { $0.hasSuffix("-MSS1.xml") }!
        return "\(folder)/\(name)"
    }

    @Test func readsTheFixtureProductMetadata() throws {
        let metadata = try GF2Metadata.read(Self.fixtureXML)
        #expect(metadata.satelliteID == "GF2" && metadata.sensorID == "PMS1")
        #expect(metadata.receiveTime == GF2Metadata.parseTime("2020-11-12 03:15:42"))
        #expect(metadata.year == 2020)
        #expect((40...55).contains(metadata.solarZenith), "November, 10:25 local solar time, 22.5°N")
        #expect((140...175).contains(metadata.solarAzimuth), "the sun in the south-south-east")
        #expect(metadata.widthInPixels == 600 && metadata.heightInPixels == 600)
        #expect(abs(metadata.topLeft.longitude - 107.2085) < 0.01 && abs(metadata.topLeft.latitude - 22.471) < 0.01)
        #expect(metadata.otherTags.contains { $0.tag == "ProductLevel" && $0.value == "LEVEL1A" })
    }

    @Test func badMetadataNamesTheFileAndTag() throws {
        let dir = try TemporaryDirectory()
        let good = try String(contentsOfFile: Self.fixtureXML, encoding: .utf8)
        let cases: [(String, String)] = [
            (good.replacingOccurrences(of: #"<SolarZenith>[^<]*</SolarZenith>"#, with: "", options: .regularExpression), "missing tag <SolarZenith>"),
            (good.replacingOccurrences(of: #"<SolarZenith>[^<]*<"#, with: "<SolarZenith>forty<", options: .regularExpression), "tag <SolarZenith> is 'forty', not a number"),
            (good.replacingOccurrences(of: #"<SolarZenith>[^<]*<"#, with: "<SolarZenith>95<", options: .regularExpression), "tag <SolarZenith> is 95, outside"),
            (good.replacingOccurrences(of: #"<ReceiveTime>[^<]*<"#, with: "<ReceiveTime>yesterday<", options: .regularExpression), "tag <ReceiveTime> is 'yesterday'"),
            (good.replacingOccurrences(of: "ProductMetaData", with: "Catalog"), "expected <ProductMetaData>"),
            (String(good.prefix(200)), "not well-formed XML"),
            (String(good.prefix(good.count - 25)), "truncated"),
        ]
        for (index, (text, expected)) in cases.enumerated() {
            let path = dir.file("bad\(index).xml")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let error = #expect(throws: MetadataError.self) { try GF2Metadata.read(path) }
            #expect(error?.description.hasPrefix("\(path): ") == true)
            #expect(error?.message.contains(expected) == true, "\(error?.message ?? "no error") should mention \(expected)")
        }
        #expect(throws: MetadataError.self) { try GF2Metadata.read(dir.file("none.xml")) }
    }

    /// Foundation's XML parser traps on an invalid UTF-8 byte in a tag name: such files, files in
    /// another declared encoding and files far larger than any metadata never reach it.
    @Test func onlyUTF8TextOfAtMostOneMiBReachesTheXMLParser() throws {
        let dir = try TemporaryDirectory()
        let good = Array(try String(contentsOfFile: Self.fixtureXML, encoding: .utf8).utf8)
        let tag = try #require(good.indices.first { good[$0...].starts(with: Array("<SatelliteID>".utf8)) })
        let cases: [([UInt8], String)] = [
            (Array(good[..<(tag + 4)]) + [0xFF] + Array(good[(tag + 4)...]), "is not UTF-8 text (an invalid byte on line 3)"),
            (Array(String(decoding: good, as: UTF8.self).replacingOccurrences(of: "UTF-8", with: "ISO-8859-1").utf8), "declares the encoding 'ISO-8859-1'"),
            (good + Array(repeating: UInt8(ascii: " "), count: GF2Metadata.largestFile), "bytes; a GF-2 metadata file is a few KiB"),
        ]
        for (index, (bytes, expected)) in cases.enumerated() {
            let path = dir.file("bad\(index).xml")
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: MetadataError.self) { try GF2Metadata.read(path) }
            #expect(error?.description.hasPrefix("\(path): ") == true && error?.message.contains(expected) == true, "\(error?.message ?? "no error")")
        }
    }

    @Test func coefficientsAreLookedUpBySensorAndYear() throws {
        #expect(try CalibrationTable.lookup(satellite: "GF2", sensor: "PMS1", year: 2016).gains == [0.1322, 0.1550, 0.1477, 0.1613])
        let later = try CalibrationTable.lookup(satellite: "gf2", sensor: "pms2", year: 2020)
        #expect(later.year == 2018 && later.label == "GF2 PMS2 2018", "after the last published year, the latest row")
        #expect(throws: CalibrationError.self) { try CalibrationTable.lookup(satellite: "GF2", sensor: "PMS1", year: 2013) }
        let unknown = #expect(throws: CalibrationError.self) { try CalibrationTable.lookup(satellite: "GF1", sensor: "WFV1", year: 2020) }
        #expect(unknown?.description.contains("GF2 PMS1") == true)
    }
}
