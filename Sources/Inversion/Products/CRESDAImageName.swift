import Foundation

/// The parts of a GF-2 image file name as CRESDA writes it: `<product>-<band><camera>.tiff`, e.g.
/// `GF2_PMS1_E107.2_N22.5_20201112_L1A0005218441-MSS1.tiff` (MSS: multispectral, PAN: panchromatic;
/// camera 1 or 2). The sidecars share the name up to the extension: `.rpb`, `.xml`.
struct CRESDAImageName: Equatable {
    enum Band: String { case multispectral = "MSS", panchromatic = "PAN" }

    /// The product's name, shared by its MSS and PAN images (scene and product id included).
    let product: String
    let band: Band
    let camera: Int

    /// Parses the last path component of `path`; nil for a name of another form.
    init?(_ path: String) {
        let name = (path as NSString).lastPathComponent
        guard let match = name.wholeMatch(of: /(.+)-(MSS|PAN)([12])\.(?i:tiff?)/), let band = Band(rawValue: String(match.2)) else { return nil }
        product = String(match.1)
        self.band = band
        camera = Int(match.3)!
    }

    /// The image's name without extension, e.g. `GF2_…_L1A0005218441-MSS1`.
    var stem: String { "\(product)-\(band.rawValue)\(camera)" }

    /// The same product's image of the other band and the same camera (MSS1 ↔ PAN1).
    var partner: CRESDAImageName {
        CRESDAImageName(product: product, band: band == .multispectral ? .panchromatic : .multispectral, camera: camera)
    }

    private init(product: String, band: Band, camera: Int) {
        self.product = product
        self.band = band
        self.camera = camera
    }
}
