import CGDAL

extension RasterSource {
    /// The source with covariates as extra bands after its own, each on its pixel grid
    /// (`Covariate.open(onGridOf:)`): band `bandCount + 1` is the first covariate's first band.
    /// Each reading thread opens its own source and covariate views.
    public func stacking(_ covariates: [Covariate]) -> RasterSource {
        guard !covariates.isEmpty else { return self }
        let base = self
        let derivation = ([self.derivation].filter { !$0.isEmpty } + ["covariates " + covariates.map { "\($0.name)=\($0)" }.joined(separator: ", ")])
            .joined(separator: "; ")
        // A resume must find the covariates unchanged too (and the base's DEM or PAN still).
        return RasterSource(path: path, derivation: derivation, metadata: metadata,
                            auxiliaryFiles: auxiliaryFiles + covariates.map { ("covariate \($0.name)", $0.path) }) {
            let scene = try base.open()
            return try Raster.stacked(scene, with: try covariates.map { try $0.open(onGridOf: scene) })
        }
    }
}

extension Raster {
    /// One raster holding `base`'s bands and then every band of `extras` (all on `base`'s grid), as
    /// an in-memory VRT whose simple sources read the rasters' bands, which stay open with it.
    static func stacked(_ base: Raster, with extras: [Raster]) throws -> Raster {
        for extra in extras where extra.width != base.width || extra.height != base.height {
            throw RasterError(extra.path, .mismatch, "is \(extra.width)×\(extra.height), not on the \(base.width)×\(base.height) grid of \(base.path)")
        }
        GDALFailure.reset()
        guard let stack = VRTCreate(Int32(base.width), Int32(base.height)) else {
            throw RasterError.gdal(base.path, .unsupported, "cannot stack the covariates onto it")
        }
        if let transform = base.geoTransform {
            var coefficients = transform.coefficients
            GDALSetGeoTransform(stack, &coefficients)
        }
        if let crs = base.spatialReference { GDALSetProjection(stack, crs.wkt) }
        for raster in [base] + extras {
            for band in raster.bands {
                // VRTAddBand returns a CPLErr, not the band's number.
                guard VRTAddBand(stack, band.pixelType.gdal, nil) == CE_None.rawValue else {
                    GDALClose(stack)
                    throw RasterError.gdal(raster.path, .unsupported, "cannot stack band \(band.number) onto \(base.path)")
                }
                let target = GDALGetRasterBand(stack, GDALGetRasterCount(stack))
                let source = GDALGetRasterBand(raster.handle, Int32(band.number))
                let w = Int32(base.width), h = Int32(base.height)
                guard VRTAddSimpleSource(target, source, 0, 0, w, h, 0, 0, w, h, "near", VRT_NODATA_UNSET) == CE_None else {
                    GDALClose(stack)
                    throw RasterError.gdal(raster.path, .unsupported, "cannot stack band \(band.number) onto \(base.path)")
                }
                if let nodata = band.nodata { GDALSetRasterNoDataValue(target, nodata) }
                if !band.description.isEmpty { GDALSetDescription(target, band.description) }
            }
        }
        return try Raster(path: base.path, handle: stack, sources: [base] + extras)
    }
}

extension RasterSource {
    /// The source with every band of `files` after its own: rasters made on its exact pixel grid
    /// (e.g. a region mosaic's source band beside its reflectance), read as they are.
    public func stacking(bandsOf files: [String]) -> RasterSource {
        guard !files.isEmpty else { return self }
        let base = self
        let derivation = ([self.derivation].filter { !$0.isEmpty } + ["with the bands of " + files.joined(separator: ", ")]).joined(separator: "; ")
        return RasterSource(path: path, derivation: derivation, metadata: metadata,
                            auxiliaryFiles: auxiliaryFiles + files.map { ("stacked bands", $0) }) {
            let scene = try base.open()
            return try Raster.stacked(scene, with: try files.map { try Raster.open($0) })
        }
    }
}
