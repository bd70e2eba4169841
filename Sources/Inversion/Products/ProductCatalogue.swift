import Foundation
import RasterIO
import TileEngine

/// The products of a multi-product run (`scenes:`), each with the facts that choosing between
/// overlapping products needs: when it was taken, how cloudy it is and how obliquely it looks.
///
/// `scenes:` is given as a list of product paths (YAML), a folder of products, an `@list.txt` (one
/// path per line, relative to the list file, blank lines and `#` comments allowed), or a STAC
/// ItemCollection (`.json`: each item's product asset, `datetime`, `eo:cloud_cover`,
/// `view:incidence_angle` or `view:off_nadir`, the geometry). A fact the STAC item does not give is
/// read from the product's XML (`ReceiveTime`, `CloudPercent`, `SatelliteZenith`, the corners). A bad entry is refused in one
/// line naming the list (with the line number, list index or item id) and the problem: a missing
/// file, a product listed twice, an item without a product asset, a bad datetime or cloud cover.
public struct ProductCatalogue: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        /// The product as listed (tarball, product folder or `…-MSS1.tiff`), relative paths resolved.
        public var path: String
        /// The product as found (`GF2Product.locate`); nil when the catalogue was loaded without reading products.
        public var product: GF2Product?
        /// The product's name (CRESDA's; a STAC item's id, or the file name, when not read).
        public var name: String
        /// Acquisition time, UTC.
        public var datetime: Date?
        /// Cloud cover, percent of the product.
        public var cloudCover: Double?
        /// The view's angle from the vertical, degrees: the incidence angle on the ground (the XML's
        /// `SatelliteZenith`, STAC's `view:incidence_angle`), or STAC's `view:off_nadir` when only
        /// that is given (smaller by a tenth at most at GF-2's angles).
        public var viewAngle: Double?
        /// The ground the product covers: its corners in longitude/latitude (WGS 84), from the STAC
        /// item's geometry (its outer ring, or its bbox) or else the XML's four corners.
        public var footprint: [LonLat]?
        /// Where it was listed, for messages: `scenes.txt:3`, `catalogue.json: item 'X'`, `run.yml: scenes[2]`.
        public var origin: String
    }

    /// A point in degrees, WGS 84.
    public struct LonLat: Sendable, Equatable {
        public var longitude: Double
        public var latitude: Double
        public init(longitude: Double, latitude: Double) {
            self.longitude = longitude
            self.latitude = latitude
        }
    }

    public let entries: [Entry]

    /// Largest list or catalogue file read, bytes (a catalogue of 300 products is about 1 MB).
    public static let largestFile = 64 << 20

    /// `scenes:` given as one string: `@list.txt`, a STAC ItemCollection (`….json`), a folder of
    /// products, or one product. Relative paths are relative to `base` (the configuration's folder).
    /// `readProducts`: locate every product and read its XML (checks that each is a product, finds
    /// duplicates by product name, fills facts STAC left out).
    public static func load(_ scenes: String, relativeTo base: String = "", readProducts: Bool = true) throws -> ProductCatalogue {
        if scenes.hasPrefix("@") { return try listFile(resolved(String(scenes.dropFirst()), base), readProducts: readProducts) }
        let path = resolved(scenes, base)
        if path.lowercased().hasSuffix(".json") { return try stac(path, readProducts: readProducts) }
        if VirtualFile.kind(path) == .folder && !isProductFolder(path) { return try folder(path, readProducts: readProducts) }
        return try resolve([Listed(path: path, origin: "scenes")], readProducts: readProducts, empty: "")
    }

    /// `scenes:` given as a list of paths; `origin` names the list in messages (`run.yml: scenes`).
    public static func load(paths: [String], relativeTo base: String = "", origin: String, readProducts: Bool = true) throws -> ProductCatalogue {
        try resolve(paths.enumerated().map { Listed(path: resolved($1, base), origin: "\(origin)[\($0 + 1)]") },
                    readProducts: readProducts, empty: "\(origin): the list names no product")
    }

    /// An `@list.txt`: one product per line, relative to the list's folder.
    public static func listFile(_ path: String, readProducts: Bool = true) throws -> ProductCatalogue {
        let text = try readText(path, what: "product list")
        let folder = (path as NSString).deletingLastPathComponent
        let listed = TextLines.split(text).compactMap { line -> Listed? in
            let entry = line.text.trimmingCharacters(in: .whitespaces)
            guard !entry.isEmpty, !entry.hasPrefix("#") else { return nil }
            return Listed(path: resolved(entry, folder), origin: "\(path):\(line.number)")
        }
        return try resolve(listed, readProducts: readProducts, empty: "\(path): the list names no product (only blank lines or # comments)")
    }

    /// A folder of products: the tarballs, product folders and multispectral images (`…-MSS1.tiff`)
    /// directly in it, by name; other files and folders (a DEM, `truth/`) are passed over.
    public static func folder(_ path: String, readProducts: Bool = true) throws -> ProductCatalogue {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
            throw InversionError("\(path): cannot list the folder of products (\(error.localizedDescription))")
        }
        let listed = names.sorted().compactMap { name -> Listed? in
            let child = VirtualFile.path(name, in: path)
            let isProduct = GF2Product.isArchive(name) || CRESDAImageName(name)?.band == .multispectral
                || (VirtualFile.kind(child) == .folder && isProductFolder(child))
            return isProduct ? Listed(path: child, origin: path) : nil
        }
        return try resolve(listed, readProducts: readProducts,
                           empty: "\(path): holds no GF-2 product (no .tar.gz, .tar, product folder or …-MSS1.tiff in it)")
    }

    /// Whether a folder is one unpacked product (an MSS image directly in it), not a folder of products.
    static func isProductFolder(_ path: String) -> Bool {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return false }
        return !names.contains(where: GF2Product.isArchive) && names.filter({ CRESDAImageName($0)?.band == .multispectral }).count == 1
    }

    /// One product as a list names it, with what the list says about it.
    struct Listed {
        var path: String
        var origin: String
        var id: String? = nil
        var datetime: Date? = nil
        var cloudCover: Double? = nil
        var viewAngle: Double? = nil
        var footprint: [LonLat]? = nil
    }

    /// `path` relative to `base` (unless absolute), absolute and without `.` or `..` steps.
    static func resolved(_ path: String, _ base: String) -> String {
        VirtualFile.standardized(path.hasPrefix("/") || base.isEmpty ? path : VirtualFile.path(path, in: base))
    }

    static func readText(_ path: String, what: String) throws -> String {
        switch VirtualFile.kind(path) {
        case .missing: throw InversionError("\(path): no such file")
        case .folder: throw InversionError("\(path): is a folder, not a \(what)")
        case .file(let bytes) where bytes > largestFile: throw InversionError("\(path): is \(bytes) bytes, more than a \(what) holds (at most \(largestFile))")
        case .file: break
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw InversionError("\(path): cannot read the \(what)") }
        guard let text = TextLines.decode(data) else { throw InversionError("\(path): the \(what) is not UTF-8 or UTF-16 text") }
        return text
    }

    /// Checks every listed product and completes its facts from its XML.
    static func resolve(_ listed: [Listed], readProducts: Bool, empty: String) throws -> ProductCatalogue {
        guard !listed.isEmpty else { throw InversionError(empty) }
        var byPath: [String: String] = [:], byName: [String: String] = [:]
        var entries: [Entry] = []
        for item in listed {
            let key = URL(fileURLWithPath: VirtualFile.standardized(item.path)).resolvingSymlinksInPath().path
            if let first = byPath[key] { throw InversionError("\(item.origin): \(item.path): listed twice (first at \(first))") }
            byPath[key] = item.origin
            guard VirtualFile.kind(item.path) != .missing else { throw InversionError("\(item.origin): \(item.path): no such file") }
            let fileName = (item.path as NSString).lastPathComponent
            var entry = Entry(path: item.path, product: nil, name: item.id ?? fileName, datetime: item.datetime, cloudCover: item.cloudCover,
                              viewAngle: item.viewAngle, footprint: item.footprint, origin: item.origin)
            if readProducts {
                entry = try entry.read()
                if let first = byName[entry.name] {
                    throw InversionError("\(item.origin): \(item.path): the same product \(entry.name) as \(first)")
                }
                byName[entry.name] = item.origin
            }
            entries.append(entry)
        }
        return ProductCatalogue(entries: entries)
    }
}

extension ProductCatalogue.Entry {
    /// The entry with its product located and the facts the listing left out read from its XML
    /// (what `readProducts` does for every entry; a region's array task reads its own product only).
    public func read() throws -> ProductCatalogue.Entry {
        var entry = self
        let product: GF2Product
        do { product = try GF2Product.locate(path) } catch let error as InversionError {
            throw InversionError("\(origin): \(error.description)")
        }
        entry.product = product
        entry.name = product.name
        if entry.datetime == nil || entry.cloudCover == nil || entry.viewAngle == nil || entry.footprint == nil, let xml = product.mss.metadata {
            let metadata: GF2Metadata
            do { metadata = try GF2Metadata.read(xml) } catch let error as MetadataError {
                throw InversionError("\(origin): \(error.description)")
            }
            entry.datetime = entry.datetime ?? metadata.receiveTime
            entry.cloudCover = entry.cloudCover ?? metadata.otherTags.first { $0.tag == "CloudPercent" }
                .flatMap { Double($0.value.trimmingCharacters(in: .whitespaces)) }.flatMap { (0...100).contains($0) ? $0 : nil }
            entry.viewAngle = entry.viewAngle ?? metadata.satelliteZenith
            entry.footprint = entry.footprint ?? [metadata.topLeft, metadata.topRight, metadata.bottomRight, metadata.bottomLeft]
                .map { ProductCatalogue.LonLat(longitude: $0.longitude, latitude: $0.latitude) }
        }
        return entry
    }
}
