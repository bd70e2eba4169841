import CGDAL
import Foundation

/// A multispectral raster pan-sharpened with a panchromatic one by GDAL (`GDALCreatePansharpenedVRT`,
/// weighted Brovey, as `gdal_pansharpen.py -w …` does): the multispectral bands on the panchromatic
/// grid, computed block by block as they are read. Nothing is written to disk.
///
/// Both inputs are `RasterSource`s (files, or orthorectifying views), so each reading thread opens
/// its own pan-sharpened view over its own handles on them.
public struct Pansharpening: Sendable, CustomStringConvertible {
    /// How the multispectral bands are interpolated onto the panchromatic grid (GDAL's default).
    public static let resampling = "cubic"

    public let panchromatic: RasterSource
    public let multispectral: RasterSource
    /// One weight per multispectral band: the panchromatic band is modelled as their weighted sum.
    public let weights: [Double]
    public let width: Int
    public let height: Int
    public let geoTransform: GeoTransform

    /// Checks that the two rasters can be fused (georeferenced in one CRS, overlapping, one
    /// panchromatic band of finer pixels, a weight per multispectral band) and fixes the grid.
    public init(panchromatic: RasterSource, multispectral: RasterSource, weights: [Double]) throws {
        let pan = try panchromatic.open(), mss = try multispectral.open()
        guard pan.bandCount == 1 else {
            throw RasterError(pan.path, .unsupported, "the panchromatic image has \(pan.bandCount) bands; pan-sharpening needs one")
        }
        guard weights.count == mss.bandCount else {
            throw RasterError(mss.path, .invalidArgument, "has \(mss.bandCount) bands but \(weights.count) pan-sharpening weights were given")
        }
        guard weights.allSatisfy({ $0 >= 0 && $0.isFinite }), weights.contains(where: { $0 > 0 }) else {
            throw RasterError(mss.path, .invalidArgument, "the pan-sharpening weights must be non-negative and not all zero")
        }
        for raster in [pan, mss] where raster.geoTransform == nil || raster.spatialReference == nil {
            throw RasterError(raster.path, .unsupported, "has no georeferencing (CRS and geotransform), so it cannot be pan-sharpened; orthorectify it first")
        }
        guard let panCRS = pan.spatialReference, let mssCRS = mss.spatialReference, panCRS.isSame(as: mssCRS) else {
            throw RasterError(pan.path, .mismatch, "the panchromatic image is in \(pan.spatialReference?.name ?? "?"), the multispectral image \(mss.path) in \(mss.spatialReference?.name ?? "?"); pan-sharpening needs one CRS")
        }
        let panExtent = pan.extent!, mssExtent = mss.extent!
        guard panExtent.minX < mssExtent.maxX, mssExtent.minX < panExtent.maxX, panExtent.minY < mssExtent.maxY, mssExtent.minY < panExtent.maxY else {
            func text(_ e: MapExtent) -> String { String(format: "x %.10g to %.10g, y %.10g to %.10g", e.minX, e.maxX, e.minY, e.maxY) }
            throw RasterError(pan.path, .mismatch, "the panchromatic image (\(text(panExtent))) and the multispectral image \(mss.path) (\(text(mssExtent))) do not overlap")
        }
        guard abs(pan.geoTransform!.pixelWidth) < abs(mss.geoTransform!.pixelWidth) else {
            throw RasterError(pan.path, .mismatch, "the panchromatic pixels (\(abs(pan.geoTransform!.pixelWidth))) are not finer than the multispectral ones of \(mss.path) (\(abs(mss.geoTransform!.pixelWidth)))")
        }
        self.panchromatic = panchromatic
        self.multispectral = multispectral
        self.weights = weights
        let view = try Self.fuse(pan: pan, mss: mss, weights: weights)
        width = view.width
        height = view.height
        geoTransform = view.geoTransform!
    }

    /// A new pan-sharpened view, for one thread: its own handles on both inputs.
    public func open() throws -> Raster {
        let raster = try Self.fuse(pan: try panchromatic.open(), mss: try multispectral.open(), weights: weights)
        guard raster.width == width, raster.height == height, raster.geoTransform == geoTransform else {
            throw RasterError(multispectral.path, .mismatch, "changed while it was being pan-sharpened")
        }
        return raster
    }

    /// The engine's view of the pan-sharpened raster; `metadata` adds to what the inputs record.
    public func rasterSource(metadata inputMetadata: [(key: String, value: String)] = []) -> RasterSource {
        RasterSource(path: multispectral.path, derivation: description, metadata: inputMetadata + metadata,
                     auxiliaryFiles: [("PAN", panchromatic.path)] + panchromatic.auxiliaryFiles + multispectral.auxiliaryFiles) { try open() }
    }

    /// The weights as recorded (`PANSHARPEN_WEIGHTS`): comma-separated, shortest exact form.
    public var weightsText: String { weights.map { "\($0)" }.joined(separator: ",") }

    /// One line: "weighted Brovey pan-sharpening (GDAL 3.6) of … with …, weights 0.25,…, cubic".
    public var description: String {
        "weighted Brovey pan-sharpening (GDAL \(GDAL.version)) of \(multispectral.path) with \(panchromatic.path), weights \(weightsText), \(Self.resampling)"
    }

    /// What an output made from this view records about it (default-domain GeoTIFF metadata).
    public var metadata: [(key: String, value: String)] {
        [("PANSHARPEN_MSS", multispectral.path), ("PANSHARPEN_PAN", panchromatic.path),
         ("PANSHARPEN_METHOD", "weighted Brovey (GDAL \(GDAL.version) VRTPansharpenedDataset)"),
         ("PANSHARPEN_WEIGHTS", weightsText), ("PANSHARPEN_RESAMPLING", Self.resampling)]
    }

    /// The options `gdal_pansharpen.py -w … -r cubic -threads 1` writes. One thread: the engine
    /// already reads tiles in parallel, each through its own view.
    private static func optionsXML(weights: [Double], bands: Int) -> String {
        let spectral = (1...bands).map { "<SpectralBand dstBand=\"\($0)\"/>" }.joined()
        return """
            <VRTDataset subClass="VRTPansharpenedDataset"><PansharpeningOptions>\
            <Algorithm>WeightedBrovey</Algorithm><AlgorithmOptions><Weights>\(weights.map { String(format: "%.16g", $0) }.joined(separator: ","))</Weights></AlgorithmOptions>\
            <Resampling>\(resampling)</Resampling><NumThreads>1</NumThreads>\(spectral)</PansharpeningOptions></VRTDataset>
            """
    }

    private static func fuse(pan: Raster, mss: Raster, weights: [Double]) throws -> Raster {
        var spectral: [GDALRasterBandH?] = (1...mss.bandCount).map { GDALGetRasterBand(mss.handle, Int32($0)) }
        GDALFailure.reset()
        guard let fused = GDALCreatePansharpenedVRT(optionsXML(weights: weights, bands: mss.bandCount), GDALGetRasterBand(pan.handle, 1),
                                                    Int32(spectral.count), &spectral) else {
            throw RasterError.gdal(mss.path, .unsupported, "cannot be pan-sharpened with \(pan.path)")
        }
        return try Raster(path: mss.path, handle: fused, sources: [pan, mss])
    }
}
