extension RasterSource {
    /// The blocks one reading thread holds decoded at once, beyond what GDAL's block cache counts
    /// (the block being read is allocated before the cache evicts others to make room): one of
    /// every file the source reads (the scene, and a derived view's DEM, PAN, covariates), and for
    /// a computed view (warped, pan-sharpened) one of the view's own blocks, all bands.
    /// - Parameter view: a handle `open` gave.
    public func decodedBlocks(view: Raster) throws -> [DecodedBlock] {
        var paths = [path]
        for (_, file) in auxiliaryFiles where !paths.contains(file) { paths.append(file) }
        var blocks = try paths.map { DecodedBlock(of: try Raster.open($0)) }
        if !derivation.isEmpty { blocks.append(DecodedBlock(of: view, allBands: true)) }
        return blocks
    }
}
