/// One image of a GF-2 product (MSS or PAN) and its sidecar files, each a path GDAL opens: on
/// disk, or inside the product tarball (`/vsitar/PRODUCT.tar.gz/NAME-MSS1.tiff`).
public struct ProductImage: Sendable, Equatable {
    /// The image itself.
    public var raster: String
    /// The RPC sensor model (`…-MSS1.rpb`), which GDAL also finds by itself beside the image.
    public var rpc: String?
    /// The product metadata XML (`…-MSS1.xml`): acquisition time, sun and satellite angles.
    public var metadata: String?

    public init(raster: String, rpc: String? = nil, metadata: String? = nil) {
        self.raster = raster
        self.rpc = rpc
        self.metadata = metadata
    }
}
