import Foundation
import RasterIO

extension ProductCatalogue {
    /// A STAC ItemCollection (a GeoJSON FeatureCollection of Items): each item's product is its
    /// asset `product`, else its one asset whose href names a product (a `.tar.gz`/`.tar`/`.tgz`, a
    /// `…-MSS1.tiff`, or a folder); hrefs relative to the catalogue's folder, or `file://` URLs.
    /// `datetime` (RFC 3339; `start_datetime` when it is null), `eo:cloud_cover` (0–100) and
    /// `view:incidence_angle` (else `view:off_nadir`) are taken when present.
    public static func stac(_ path: String, readProducts: Bool = true) throws -> ProductCatalogue {
        let text = try readText(path, what: "STAC catalogue")
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: Data(text.utf8)) } catch {
            throw InversionError("\(path): not JSON (\((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "unreadable"))")
        }
        guard let collection = json as? [String: Any], let features = collection["features"] as? [Any] else {
            throw InversionError("\(path): not a STAC ItemCollection (a JSON object with a \"features\" list of items)")
        }
        let folder = (path as NSString).deletingLastPathComponent
        var ids = Set<String>()
        let listed = try features.enumerated().map { index, feature -> Listed in
            guard let item = feature as? [String: Any] else { throw InversionError("\(path): item \(index + 1): not a JSON object") }
            guard let id = item["id"] as? String, !id.isEmpty else { throw InversionError("\(path): item \(index + 1): has no \"id\"") }
            let origin = "\(path): item '\(id)'"
            guard ids.insert(id).inserted else { throw InversionError("\(origin): listed twice (two items with this id)") }
            let properties = item["properties"] as? [String: Any] ?? [:]
            let href = try productHref(item["assets"], origin: origin)
            guard !href.contains("://") || href.hasPrefix("file://") else {
                throw InversionError("\(origin): asset href \(href) is remote; Regolith reads local products (download them and give local hrefs)")
            }
            let local = href.hasPrefix("file://") ? (URL(string: href)?.path ?? href) : href
            var entry = Listed(path: VirtualFile.standardized(resolved(local, folder)), origin: origin, id: id)
            entry.datetime = try datetime(properties, origin: origin)
            entry.cloudCover = try number(properties, "eo:cloud_cover", in: 0...100, origin: origin)
            entry.viewAngle = try number(properties, "view:incidence_angle", in: 0...90, origin: origin)
                ?? number(properties, "view:off_nadir", in: 0...90, origin: origin)
            entry.footprint = try footprint(item, origin: origin)
            return entry
        }
        return try resolve(listed, readProducts: readProducts, empty: "\(path): the ItemCollection has no items")
    }

    /// The item's footprint: the outer ring of its Polygon geometry (without the closing point), else
    /// its bbox's corners; nil when it has neither (a null geometry).
    static func footprint(_ item: [String: Any], origin: String) throws -> [LonLat]? {
        func point(_ value: Any) -> LonLat? {
            guard let pair = value as? [Any], pair.count >= 2, let x = (pair[0] as? NSNumber)?.doubleValue, let y = (pair[1] as? NSNumber)?.doubleValue,
                  (-180...180).contains(x), (-90...90).contains(y) else { return nil }
            return LonLat(longitude: x, latitude: y)
        }
        if let geometry = item["geometry"], !(geometry is NSNull) {
            guard let object = geometry as? [String: Any], object["type"] as? String == "Polygon",
                  let rings = object["coordinates"] as? [Any], let ring = rings.first as? [Any], ring.count >= 4 else {
                throw InversionError("\(origin): geometry is not a GeoJSON Polygon with an outer ring of at least 4 positions")
            }
            let points = ring.compactMap(point)
            guard points.count == ring.count else {
                throw InversionError("\(origin): geometry holds a position that is not [longitude, latitude] in degrees")
            }
            return Array(points.dropLast(points.first == points.last ? 1 : 0))
        }
        guard let bbox = item["bbox"] else { return nil }
        let values = (bbox as? [Any])?.compactMap { ($0 as? NSNumber)?.doubleValue } ?? []
        guard values.count == 4 || values.count == 6, (bbox as? [Any])?.count == values.count else {
            throw InversionError("\(origin): bbox is not [west, south, east, north]")
        }
        let (west, south, east, north) = values.count == 4 ? (values[0], values[1], values[2], values[3]) : (values[0], values[1], values[3], values[4])
        let corners = [(west, north), (east, north), (east, south), (west, south)].compactMap { point([$0.0, $0.1]) }
        guard corners.count == 4, south <= north else { throw InversionError("\(origin): bbox is not [west, south, east, north] in degrees") }
        return corners
    }

    /// The href of an item's product asset.
    static func productHref(_ assets: Any?, origin: String) throws -> String {
        let assets = assets as? [String: Any] ?? [:]
        func href(_ asset: Any?) -> String? { ((asset as? [String: Any])?["href"] as? String).flatMap { $0.isEmpty ? nil : $0 } }
        if let product = assets["product"] {
            guard let href = href(product) else { throw InversionError("\(origin): asset \"product\" has no href") }
            return href
        }
        let candidates = assets.keys.sorted().compactMap { href(assets[$0]) }.filter { href in
            GF2Product.isArchive(href) || CRESDAImageName(href)?.band == .multispectral || href.hasSuffix("/")
        }
        guard candidates.count == 1 else {
            throw InversionError(candidates.isEmpty
                ? "\(origin): has no product asset (an asset \"product\", or one whose href is a .tar.gz, .tar, product folder or …-MSS1.tiff)"
                : "\(origin): has \(candidates.count) assets that could be the product (\(candidates.joined(separator: ", "))); name it \"product\"")
        }
        return candidates[0]
    }

    /// `datetime`, or `start_datetime` when `datetime` is null; nil when the item gives neither.
    static func datetime(_ properties: [String: Any], origin: String) throws -> Date? {
        for key in ["datetime", "start_datetime"] {
            guard let value = properties[key], !(value is NSNull) else { continue }
            guard let text = value as? String, let date = rfc3339(text) else {
                throw InversionError("\(origin): \(key) \(value is String ? "'\(value)'" : "\(value)") is not an RFC 3339 time such as 2016-11-12T03:22:19Z")
            }
            return date
        }
        return nil
    }

    /// RFC 3339 with or without fractional seconds.
    static func rfc3339(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return plain.date(from: text) ?? fractional.date(from: text)
    }

    static func number(_ properties: [String: Any], _ key: String, in range: ClosedRange<Double>, origin: String) throws -> Double? {
        guard let value = properties[key], !(value is NSNull) else { return nil }
        guard let number = value as? NSNumber, number.doubleValue.isFinite, range.contains(number.doubleValue) else {
            throw InversionError("\(origin): \(key) is \(value), not a number between \(Int(range.lowerBound)) and \(Int(range.upperBound))")
        }
        return number.doubleValue
    }
}
