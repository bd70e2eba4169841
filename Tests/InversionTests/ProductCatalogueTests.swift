import Foundation
import Inversion
import RasterIO
import Testing
import TestSupport

/// `ProductCatalogue`: `scenes:` as a list, a folder, an `@list.txt` or a STAC ItemCollection, on a
/// real 2 × 2 province of L1A products (`regolith synth --province`), and refused in one line.
@Suite("ProductCatalogue: the products of a multi-product run")
struct ProductCatalogueTests {
    static let folder = (NSTemporaryDirectory() as NSString).appendingPathComponent("regolith-catalogue-\(getpid())")
    static let province: Result<String, any Error> = {
        atexit { try? FileManager.default.removeItem(atPath: ProductCatalogueTests.folder) }
        return Result {
            let out = (folder as NSString).appendingPathComponent("province")
            let result = try ChildProcess.regolith(["synth", "--province", "2x2", "--width", "80", "--height", "72", "--seed", "12",
                                                    "--samples", "30", "--quiet", "--out", out])
            guard result.status == 0 else { throw TestSupportError("synth --province failed: \(result.stderr)") }
            return out
        }
    }()

    /// The province's tarballs, by name.
    static func tarballs() throws -> [String] {
        let out = try province.get()
        return try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".tar.gz") }.sorted()
            .map { (out as NSString).appendingPathComponent($0) }
    }

    /// A scratch folder of its own for one test.
    static func scratch() throws -> String {
        let path = (folder as NSString).appendingPathComponent("scratch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func readsTheSTACItemCollectionSynthWrites() throws {
        let out = try Self.province.get()
        let catalogue = try ProductCatalogue.load("catalogue.json", relativeTo: out)
        #expect(catalogue.entries.count == 4)
        #expect(Set(catalogue.entries.map(\.path)) == Set(try Self.tarballs()))
        for entry in catalogue.entries {
            let product = try #require(entry.product)
            #expect(entry.name == product.name)
            let xml = try GF2Metadata.read(try #require(product.mss.metadata))
            #expect(entry.datetime == xml.receiveTime)
            #expect(entry.viewAngle == xml.satelliteZenith)
            #expect(entry.cloudCover == Double(xml.otherTags.first { $0.tag == "CloudPercent" }!.value))
            #expect(entry.origin.hasSuffix("catalogue.json: item '\(entry.name)'"))
            // The STAC geometry is the XML's corners, counter-clockwise from the top left.
            let corners = [xml.topLeft, xml.bottomLeft, xml.bottomRight, xml.topRight]
            #expect(entry.footprint == corners.map { ProductCatalogue.LonLat(longitude: $0.longitude, latitude: $0.latitude) })
        }
        #expect(catalogue.entries.filter { ($0.cloudCover ?? 0) > 0 }.count == 1)
        // Without reading the products, the facts are the catalogue's own.
        let unread = try ProductCatalogue.stac((out as NSString).appendingPathComponent("catalogue.json"), readProducts: false)
        #expect(unread.entries.allSatisfy { $0.product == nil })
        #expect(unread.entries.map(\.datetime) == catalogue.entries.map(\.datetime))
        #expect(unread.entries.map(\.cloudCover) == catalogue.entries.map(\.cloudCover))
    }

    /// A folder of products, a list file and a YAML list give the same products, with the facts
    /// read from each product's XML equal to the catalogue's.
    @Test func aFolderAListFileAndAYAMLListGiveTheSameProducts() throws {
        let out = try Self.province.get()
        let stac = try ProductCatalogue.load((out as NSString).appendingPathComponent("catalogue.json"))
        let byName = Dictionary(uniqueKeysWithValues: stac.entries.map { ($0.name, $0) })
        let folder = try ProductCatalogue.load(out)
        #expect(folder.entries.map(\.path) == (try Self.tarballs()))

        let scratch = try Self.scratch()
        let names = try Self.tarballs().map { ($0 as NSString).lastPathComponent }
        // Relative to the list's folder, CRLF line ends, comments and blank lines, in this order.
        let lines = ["# products of the province", ""] + names.reversed().map { "../\(URL(fileURLWithPath: out).lastPathComponent)/\($0)" }
        let list = (scratch as NSString).appendingPathComponent("scenes.txt")
        try Data(lines.joined(separator: "\r\n").utf8).write(to: URL(fileURLWithPath: list))
        // The province folder sits beside the scratch folder.
        let listed = try ProductCatalogue.load("@scenes.txt", relativeTo: scratch)
        #expect(listed.entries.map(\.name) == names.reversed().map { String($0.dropLast(".tar.gz".count)) })
        #expect(listed.entries.map(\.origin) == (3...6).map { "\(list):\($0)" })

        let yaml = try ProductCatalogue.load(paths: names, relativeTo: out, origin: "run.yml: scenes")
        #expect(yaml.entries.map(\.origin) == (1...4).map { "run.yml: scenes[\($0)]" })
        for catalogue in [folder, listed, yaml] {
            for entry in catalogue.entries {
                let fromSTAC = try #require(byName[entry.name])
                #expect(entry.datetime == fromSTAC.datetime && entry.cloudCover == fromSTAC.cloudCover && entry.viewAngle == fromSTAC.viewAngle)
                #expect(Set(entry.footprint?.map { "\($0.longitude) \($0.latitude)" } ?? []) == Set(fromSTAC.footprint?.map { "\($0.longitude) \($0.latitude)" } ?? ["none"]))
                #expect(entry.path == fromSTAC.path)
            }
        }
        // One product given alone is a catalogue of one.
        #expect(try ProductCatalogue.load(names[0], relativeTo: out).entries.map(\.name) == [String(names[0].dropLast(".tar.gz".count))])
    }

    /// STAC items may leave facts out (then the product's XML gives them), give `view:off_nadir`
    /// only, a null `datetime` with `start_datetime`, fractional seconds, and `file://` hrefs.
    @Test func readsTheSTACVariantsUsersWrite() throws {
        let tarball = try Self.tarballs()[0]
        let scratch = try Self.scratch()
        let path = (scratch as NSString).appendingPathComponent("items.json")
        let items: [[String: Any]] = [
            ["id": "a", "bbox": [107.1, 22.4, 107.3, 22.5], "properties": ["datetime": NSNull(), "start_datetime": "2017-01-02T03:04:05.250Z", "view:off_nadir": 4.5],
             "assets": ["image": ["href": "file://\(tarball)", "roles": ["data"]], "thumbnail": ["href": "a.jpg"]]],
        ]
        try JSONSerialization.data(withJSONObject: ["type": "FeatureCollection", "features": items]).write(to: URL(fileURLWithPath: path))
        let entry = try #require(try ProductCatalogue.load(path).entries.first)
        #expect(entry.path == tarball && entry.viewAngle == 4.5)
        #expect(entry.footprint?.map(\.longitude) == [107.1, 107.3, 107.3, 107.1] && entry.footprint?.map(\.latitude) == [22.5, 22.5, 22.4, 22.4])
        #expect(entry.datetime == Date(timeIntervalSince1970: 1_483_326_245.25))
        // Cloud cover from the product's XML.
        #expect(entry.cloudCover != nil)
    }

    /// Each bad input: one line naming the list (and line or item) and the problem.
    @Test(arguments: ["missing", "duplicateLine", "sameProductTwice", "emptyList", "noAsset", "badDatetime", "badCloudCover",
                      "notJSON", "notAnItemCollection", "remoteHref", "duplicateID", "badGeometry", "emptyFolder", "notAProduct"])
    func refusesBadInputInOneLine(_ problem: String) throws {
        let tarballs = try Self.tarballs()
        let scratch = try Self.scratch()
        let list = (scratch as NSString).appendingPathComponent("scenes.txt")
        let json = (scratch as NSString).appendingPathComponent("catalogue.json")
        func writeList(_ lines: [String]) throws { try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: list)) }
        func writeItems(_ items: [[String: Any]]) throws {
            try JSONSerialization.data(withJSONObject: ["type": "FeatureCollection", "features": items]).write(to: URL(fileURLWithPath: json))
        }
        func item(_ id: String, _ properties: [String: Any] = ["datetime": "2016-11-12T03:22:19Z"], href: String? = nil) -> [String: Any] {
            ["id": id, "properties": properties, "assets": ["product": ["href": href ?? tarballs[0]]]]
        }
        let scenes: String, expected: String
        switch problem {
        case "missing":
            try writeList([tarballs[0], "# next", "gone.tar.gz"])
            (scenes, expected) = ("@" + list, "\(list):3: \(scratch)/gone.tar.gz: no such file")
        case "duplicateLine":
            try writeList([tarballs[0], tarballs[1], tarballs[0]])
            (scenes, expected) = ("@" + list, "\(list):3: \(tarballs[0]): listed twice (first at \(list):1)")
        case "sameProductTwice":
            let copy = (scratch as NSString).appendingPathComponent("copy.tar.gz")
            try FileManager.default.copyItem(atPath: tarballs[1], toPath: copy)
            try writeList([tarballs[1], "copy.tar.gz"])
            let name = (tarballs[1] as NSString).lastPathComponent.dropLast(".tar.gz".count)
            (scenes, expected) = ("@" + list, "\(list):2: \(copy): the same product \(name) as \(list):1")
        case "emptyList":
            try writeList(["# nothing yet", ""])
            (scenes, expected) = ("@" + list, "\(list): the list names no product")
        case "noAsset":
            try writeItems([item("a"), ["id": "b", "properties": [:], "assets": ["thumbnail": ["href": "b.jpg"]]]])
            (scenes, expected) = (json, "\(json): item 'b': has no product asset")
        case "badDatetime":
            try writeItems([item("a", ["datetime": "2016-13-45T03:22:19Z"])])
            (scenes, expected) = (json, "\(json): item 'a': datetime '2016-13-45T03:22:19Z' is not an RFC 3339 time")
        case "badCloudCover":
            try writeItems([item("a", ["eo:cloud_cover": 140])])
            (scenes, expected) = (json, "\(json): item 'a': eo:cloud_cover is 140, not a number between 0 and 100")
        case "notJSON":
            try Data("{\"features\": [".utf8).write(to: URL(fileURLWithPath: json))
            (scenes, expected) = (json, "\(json): not JSON")
        case "notAnItemCollection":
            try JSONSerialization.data(withJSONObject: ["type": "Feature", "id": "x"]).write(to: URL(fileURLWithPath: json))
            (scenes, expected) = (json, "\(json): not a STAC ItemCollection")
        case "remoteHref":
            try writeItems([item("a", href: "https://example.org/GF2.tar.gz")])
            (scenes, expected) = (json, "\(json): item 'a': asset href https://example.org/GF2.tar.gz is remote")
        case "duplicateID":
            try writeItems([item("a"), item("a", href: tarballs[1])])
            (scenes, expected) = (json, "\(json): item 'a': listed twice")
        case "badGeometry":
            var bad = item("a")
            bad["geometry"] = ["type": "Polygon", "coordinates": [[[107.2, 22.4], [107.3, 122.4], [107.3, 22.5], [107.2, 22.4]]]]
            try writeItems([bad])
            (scenes, expected) = (json, "\(json): item 'a': geometry holds a position that is not [longitude, latitude]")
        case "emptyFolder":
            try Data("x".utf8).write(to: URL(fileURLWithPath: (scratch as NSString).appendingPathComponent("notes.txt")))
            (scenes, expected) = (scratch, "\(scratch): holds no GF-2 product")
        default:
            let fake = (scratch as NSString).appendingPathComponent("fake.tar.gz")
            try Data("not a tarball".utf8).write(to: URL(fileURLWithPath: fake))
            try writeList([fake])
            (scenes, expected) = ("@" + list, "\(list):1: \(fake): ")
        }
        do {
            let catalogue = try ProductCatalogue.load(scenes)
            Issue.record("loaded \(catalogue.entries.count) products, expected: \(expected)")
        } catch {
            let message = "\(error)"
            #expect(error is InversionError && message.hasPrefix(expected) && !message.contains("\n"), "\(message)")
        }
    }
}
