import Foundation
import RasterIO

/// A GF-2 PMS product as CRESDA delivers it: a tarball (`.tar.gz`, `.tar`, read in place through
/// GDAL's `/vsitar/`), the folder it unpacks to, or one of its images (`…-MSS1.tiff`), holding the
/// multispectral image and usually the panchromatic one, each with its `.rpb` and `.xml`.
public struct GF2Product: Sendable, Equatable {
    /// The product's name, e.g. `GF2_PMS1_E107.2_N22.5_20201112_L1A0005218441`.
    public var name: String
    /// What the user gave: the tarball, folder or image.
    public var source: String
    public var mss: ProductImage
    public var pan: ProductImage?

    /// Entries a product folder or tarball may hold; a product holds a few dozen.
    public static let largestListing = 10_000
    /// Folder levels searched below the top of a product folder or tarball.
    static let searchDepth = 3

    /// Finds the images and their sidecars by CRESDA's naming. Refused, in one line: a path that is
    /// none of the three forms, a product without an MSS image or with two, PAN and MSS images of
    /// different products, and an image in sensor geometry without its RPC.
    public static func locate(_ path: String) throws -> GF2Product {
        let product: GF2Product
        if let name = CRESDAImageName(path) {
            product = try beside(image: path, name: name)
        } else if isArchive(path) {
            guard VirtualFile.isFile(path) else { throw InversionError("\(path): no such file") }
            let root = "/vsitar/" + URL(fileURLWithPath: path).standardizedFileURL.path
            let members: [String]
            do { members = try VirtualFile.files(under: root, limit: largestListing, depth: searchDepth) } catch let error as RasterError {
                throw InversionError(error.kind == .unsupported ? "\(path): \(error.message)" : "\(path): not a tar archive GDAL can read")
            }
            product = try within(root, members: members, source: path)
        } else if VirtualFile.kind(path) == .folder {
            let members: [String]
            do { members = try VirtualFile.files(under: path, limit: largestListing, depth: searchDepth) } catch let error as RasterError {
                throw InversionError("\(path): \(error.message)")
            }
            product = try within(path, members: members, source: path)
        } else {
            throw InversionError("\(path): not a GF-2 product: neither a product tarball (.tar.gz, .tar), a product folder, nor an image named …-MSS1.tiff")
        }
        try requireSensorModel(product.mss)
        return product
    }

    /// Whether `path` names a tar archive by its extension.
    public static func isArchive(_ path: String) -> Bool {
        let name = path.lowercased()
        return [".tar", ".tar.gz", ".tgz"].contains { name.hasSuffix($0) }
    }

    /// Whether `path` can only be a product, not a raster: a tar archive, or a folder (other than
    /// a File Geodatabase, which GDAL opens as a raster).
    public static func isContainer(_ path: String) -> Bool {
        isArchive(path) || (VirtualFile.kind(path) == .folder && !path.lowercased().hasSuffix(".gdb"))
    }

    /// Whether `path` is named like a product's image (`…-MSS1.tiff`, `…-PAN2.tif`).
    public static func isImageName(_ path: String) -> Bool { CRESDAImageName(path) != nil }

    /// The product of one image file: its partner (MSS ↔ PAN of the same camera) and sidecars are
    /// looked up by name beside it, so a folder of many products is not listed.
    private static func beside(image path: String, name: CRESDAImageName) throws -> GF2Product {
        let folder = VirtualFile.folder(of: path)
        func located(_ other: CRESDAImageName) -> ProductImage? {
            let stem = VirtualFile.path(other.stem, in: folder)
            let candidates = other == name ? [path] : [".tiff", ".tif", ".TIFF", ".TIF"].map { stem + $0 }
            guard let raster = candidates.first(where: VirtualFile.isFile) else { return nil }
            return ProductImage(raster: raster, rpc: [".rpb", ".RPB"].map { stem + $0 }.first(where: VirtualFile.isFile),
                                metadata: [".xml", ".XML"].map { stem + $0 }.first(where: VirtualFile.isFile))
        }
        guard VirtualFile.isFile(path) else { throw InversionError("\(path): no such file") }
        let mssName = name.band == .multispectral ? name : name.partner
        guard let mss = located(mssName) else {
            throw InversionError("\(path): no multispectral image \(mssName.stem).tiff beside it")
        }
        return GF2Product(name: name.product, source: path, mss: mss, pan: located(mssName.partner))
    }

    /// The product in a folder or archive, from the list of its files (relative paths).
    private static func within(_ root: String, members: [String], source: String) throws -> GF2Product {
        let images = members.compactMap { member in CRESDAImageName(member).map { (member, $0) } }
        func sidecar(of member: String, _ extensions: [String]) -> String? {
            let stem = VirtualFile.removingExtension(member)
            return extensions.map { stem + $0 }.first(where: members.contains).map { VirtualFile.path($0, in: root) }
        }
        func image(_ band: CRESDAImageName.Band) throws -> (member: String, name: CRESDAImageName, image: ProductImage)? {
            let found = images.filter { $0.1.band == band }
            guard found.count <= 1 else {
                let kind = band == .multispectral ? "multispectral (MSS)" : "panchromatic (PAN)"
                throw InversionError("\(source): holds \(found.count) \(kind) images (\(found.map(\.0).joined(separator: ", "))); a product has one, give the image itself")
            }
            return found.first.map { member, name in
                (member, name, ProductImage(raster: VirtualFile.path(member, in: root),
                                            rpc: sidecar(of: member, [".rpb", ".RPB"]), metadata: sidecar(of: member, [".xml", ".XML"])))
            }
        }
        guard let mss = try image(.multispectral) else {
            let shown = members.prefix(8).joined(separator: ", ") + (members.count > 8 ? ", …" : "")
            let what = isArchive(source) ? "no multispectral image (…-MSS1.tiff or …-MSS2.tiff) in the product"
                : "is a directory without a multispectral image (…-MSS1.tiff or …-MSS2.tiff), not a GF-2 product"
            throw InversionError("\(source): \(what); it holds \(members.isEmpty ? "no files" : shown)")
        }
        let pan = try image(.panchromatic)
        if let pan, pan.name != mss.name.partner {
            throw InversionError("\(source): the PAN image \(pan.member) and the MSS image \(mss.member) are of different products (\(pan.name.stem) is not \(mss.name.partner.stem)); a product's images share its name")
        }
        return GF2Product(name: mss.name.product, source: source, mss: mss.image, pan: pan?.image)
    }

    /// An image in sensor geometry (no geotransform) can be mapped only through its RPC: from the
    /// `.rpb` beside it, or carried in the file (a calibrated L1A scene keeps it).
    private static func requireSensorModel(_ image: ProductImage) throws {
        guard image.rpc == nil else { return }
        let raster = try Raster.open(image.raster)
        guard raster.geoTransform == nil, raster.metadata(domain: "RPC").isEmpty else { return }
        let expected = VirtualFile.removingExtension(image.raster) + ".rpb"
        throw InversionError("\(image.raster): is in sensor geometry (no georeferencing) and has no RPC (\(expected) is missing); an L1A image cannot be mapped without it")
    }
}
