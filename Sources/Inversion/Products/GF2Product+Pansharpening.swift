extension GF2Product {
    /// The weights of the multispectral bands (blue, green, red, NIR) in GDAL's weighted Brovey
    /// pan-sharpening: the PAN band is modelled as their weighted sum. No published GF-2 PMS
    /// spectral response tables were found to weigh them by; by CRESDA's nominal band edges the PAN
    /// band (450–900 nm) covers each multispectral band whole (blue 450–520, green 520–590, red
    /// 630–690, NIR 770–890 nm), so each band gets the same weight (see the README).
    public static let pansharpeningWeights = [0.25, 0.25, 0.25, 0.25]
}
