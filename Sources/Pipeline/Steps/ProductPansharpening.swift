import Foundation
import Inversion
import RasterIO

/// A GF-2 product's multispectral image pan-sharpened with its panchromatic one (`--pansharpen`),
/// by GDAL with the GF-2 weights, on the PAN's grid. An L1A product's two images are each
/// orthorectified first, onto grids of one CRS and alignment: the PAN at the pan-sharpened
/// resolution (1 m by default), the MSS at four times it, both aligned to multiples of their pixel
/// size, so each PAN pixel lies inside one MSS pixel. Map-projected images are fused as they are.
public struct ProductPansharpening: Sendable {
    /// MSS pixels are this many times the PAN's along each axis (GF-2: 3.2 m against 0.8 m).
    public static let panchromaticFactor = 4.0

    public let product: GF2Product
    public let pansharpening: Pansharpening
    /// How the MSS and PAN images were orthorectified, for an L1A product.
    public let orthorectification: (multispectral: Orthorectification, panchromatic: Orthorectification)?

    /// - Parameter settings: how to orthorectify an L1A product; its resolution is the pan-sharpened
    ///   (PAN) one. A DEM, height, CRS or resolution for a map-projected product is refused.
    public init(scene: String, orthorectification settings: OrthorectificationSettings = OrthorectificationSettings()) throws {
        product = try GF2Product.sceneProduct(scene)
        guard let pan = product.pan else {
            throw InversionError("\(scene): pan-sharpening needs the product's panchromatic image (a …-PAN1.tiff beside the …-MSS1.tiff), and the product has none")
        }
        let mss = try Raster.open(product.mss.raster)
        let sources: (multispectral: RasterSource, panchromatic: RasterSource)
        let asked = settings.dem != nil || settings.height != nil || settings.targetCRS != nil || settings.resolution != nil
        if mss.geoTransform == nil || asked {
            var panSettings = settings
            panSettings.resolution = panSettings.resolution ?? Orthorectification.panchromaticResolution
            let panOrtho = try panSettings.orthorectification(of: pan.raster)
            var mssSettings = panSettings
            mssSettings.resolution = panOrtho.resolution * Self.panchromaticFactor
            mssSettings.targetCRS = panOrtho.targetCRS.wkt
            let mssOrtho = try mssSettings.orthorectification(of: product.mss.raster)
            orthorectification = (mssOrtho, panOrtho)
            sources = (mssOrtho.rasterSource, panOrtho.rasterSource)
        } else {
            orthorectification = nil
            sources = (.file(product.mss.raster), .file(pan.raster))
        }
        pansharpening = try Pansharpening(panchromatic: sources.panchromatic, multispectral: sources.multispectral,
                                          weights: GF2Product.pansharpeningWeights)
    }

    /// The engine's view of the pan-sharpened scene; outputs record the orthorectification (both
    /// images') and the pan-sharpening, weights included.
    public var rasterSource: RasterSource {
        pansharpening.rasterSource(metadata: orthorectificationMetadata)
    }

    /// One line per step, for the console: "ortho …" (when orthorectified) and "pansharpen …".
    public var description: String {
        var lines: [String] = []
        if let orthorectification {
            lines.append("ortho        MSS: \(orthorectification.multispectral)")
            lines.append("ortho        PAN: \(orthorectification.panchromatic)")
        }
        lines.append("pansharpen   \(pansharpening)")
        return lines.joined(separator: "\n")
    }

    /// The PAN's `ORTHO_*` items (the output's grid) with both images and both resolutions named.
    private var orthorectificationMetadata: [(key: String, value: String)] {
        guard let (mss, pan) = orthorectification else { return [] }
        return pan.metadata.map { item in
            switch item.key {
            case "ORTHO_SOURCE": return (item.key, "\(mss.source) (MSS), \(pan.source) (PAN)")
            case "ORTHO_RESOLUTION": return (item.key, "\(mss.metadata.first { $0.key == item.key }!.value) (MSS), \(item.value) (PAN)")
            default: return item
            }
        }
    }
}
