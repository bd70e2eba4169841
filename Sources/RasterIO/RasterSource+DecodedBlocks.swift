extension RasterSource {
    /// The blocks one reading thread holds decoded at once, beyond what GDAL's block cache counts
    /// (the block being read is allocated before the cache evicts others to make room): one of
    /// every file the source reads (the scene, and a derived view's DEM, PAN, covariates), and for
    /// a computed view (warped, pan-sharpened) one of the view's own blocks, all bands.
    /// - Parameter view: a handle `open` gave.
    /// A file that is not a raster (a product's tarball or folder, which a kernel opens and reads
    /// itself, as a region mosaic's does) adds no block here; `view` opened, so the source is readable.
    public func decodedBlocks(view: Raster) throws -> [DecodedBlock] {
        var blocks: [DecodedBlock] = []
        var seen = Set<String>()
        for file in [path] + auxiliaryFiles.map(\.1) where seen.insert(file).inserted {
            if let raster = try? Raster.open(file) { blocks.append(DecodedBlock(of: raster)) }
        }
        if !derivation.isEmpty { blocks.append(DecodedBlock(of: view, allBands: true)) }
        return blocks
    }
}
