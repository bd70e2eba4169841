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

    /// The rasters of scene arguments (`@list.txt` expanded, products resolved to their MSS image).
    public static func sceneRasters(_ arguments: [String]) throws -> [String] {
        try SceneBatch.expand(arguments).map { try sceneImage($0).raster }
    }
}
