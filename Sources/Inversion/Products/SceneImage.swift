import Foundation
import RasterIO
import TileEngine

extension GF2Product {
    /// The multispectral image a scene argument names, the one place where scenes are resolved:
    /// the product's MSS image for a tarball, a product folder or a `…-MSS1.tiff`; any other raster
    /// as it is, with the XML of the same name beside it.
    public static func sceneImage(_ path: String) throws -> ProductImage {
        if CRESDAImageName(path)?.band == .multispectral || isContainer(path) {
            return try locate(path).mss
        }
        return ProductImage(raster: path, metadata: VirtualFile.removingExtension(path) + ".xml")
    }

    /// The product a scene argument names: a tarball, a product folder or one of its images; any
    /// other raster is a product of its own, without a PAN image.
    public static func sceneProduct(_ path: String) throws -> GF2Product {
        if CRESDAImageName(path) != nil || isContainer(path) { return try locate(path) }
        let image = try sceneImage(path)
        return GF2Product(name: VirtualFile.removingExtension((path as NSString).lastPathComponent), source: path, mss: image, pan: nil)
    }

    /// The rasters of scene arguments (`@list.txt` expanded, products resolved to their MSS image).
    public static func sceneRasters(_ arguments: [String]) throws -> [String] {
        try SceneBatch.expand(arguments).map { try sceneImage($0).raster }
    }
}
