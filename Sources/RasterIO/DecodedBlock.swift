/// The decoded pixels a reader of one raster holds while it reads a block: GDAL decodes a whole
/// block (a tile, or a strip across the image) even for a small window, and all bands of a
/// pixel-interleaved file at once.
public struct DecodedBlock: Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let width: Int
    public let height: Int
    /// Bands decoded together: all of a pixel-interleaved file (or of a computed view), else one.
    public let bands: Int
    public let bytesPerSample: Int

    public var bytes: Int { width * height * bands * bytesPerSample }

    /// The block shape of `raster`; `allBands` for a view whose reads compute every band together.
    public init(of raster: Raster, allBands: Bool = false) {
        path = raster.path
        (width, height) = raster.blockSize
        let interleave = raster.metadataItem("INTERLEAVE", domain: "IMAGE_STRUCTURE")
        bands = allBands || interleave == "PIXEL" ? raster.bandCount : 1
        bytesPerSample = raster.bands.map(\.pixelType.byteCount).max() ?? 1
    }

    /// "dem.tif (blocks 512×512, 1 band of 4 bytes)".
    public var description: String {
        "\(path) (blocks \(width)×\(height), \(bands) band\(bands == 1 ? "" : "s") of \(bytesPerSample) bytes)"
    }
}
