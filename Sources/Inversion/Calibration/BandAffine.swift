/// The per-band `value · scale + shift`, in Float, by which a scene's stored pixel values become
/// the reflectance a model reads: DN calibration (gain, offset, ESUN, sun, Earth–Sun distance, haze)
/// or the scale of reflectance stored as integers elsewhere (×10000). `ReflectanceKernel` writes it
/// and `ContentMapKernel` applies it to DN tiles on the fly, with this one arithmetic, so a map made
/// from DN in one pass equals, pixel for pixel, the map of the reflectance scene `calibrate` writes.
public struct BandAffine: Sendable, Equatable {
    public let scales: [Float]
    public let shifts: [Float]

    public init(scales: [Float], shifts: [Float]) {
        precondition(scales.count == shifts.count, "one shift per scale")
        self.scales = scales
        self.shifts = shifts
    }

    /// The same scale for every band, no shift (reflectance stored as integers: 0.0001).
    public init(scale: Double, bands: Int) {
        self.init(scales: [Float](repeating: Float(scale), count: bands), shifts: [Float](repeating: 0, count: bands))
    }

    /// DN → TOA reflectance less the dark-object haze: `ρ = (gain · DN + offset) · π d² / (ESUN cos θs) − haze`,
    /// folded once per band into one multiply-add per pixel.
    public init(calibration model: TOAReflectanceModel, haze: [Double]? = nil) {
        let bands = model.coefficients.bandCount
        let haze = haze ?? [Double](repeating: 0, count: bands)
        self.init(scales: (0..<bands).map { Float(model.coefficients.gains[$0] * model.reflectancePerRadiance[$0]) },
                  shifts: (0..<bands).map { Float(model.coefficients.offsets[$0] * model.reflectancePerRadiance[$0] - haze[$0]) })
    }

    public var bandCount: Int { scales.count }

    /// The affine of the given bands (1-based, as the scene numbers them), in that order.
    public func selecting(bands: [Int]) -> BandAffine {
        BandAffine(scales: bands.map { scales[$0 - 1] }, shifts: bands.map { shifts[$0 - 1] })
    }

    /// For resume signatures: every scale and shift exactly.
    public var signature: String {
        zip(scales, shifts).map { "\($0.0.bitPattern)/\($0.1.bitPattern)" }.joined(separator: ",")
    }

    /// `value · scale + shift` of band `band` (0-based).
    @inline(__always)
    public func apply(band: Int, _ value: Float) -> Float { value * scales[band] + shifts[band] }

    /// `output[i] = input[i] · scale + shift` for band `band` (0-based).
    @inline(__always)
    public func apply(band: Int, _ input: UnsafePointer<Float>, count: Int, into output: UnsafeMutablePointer<Float>) {
        for i in 0..<count { output[i] = apply(band: band, input[i]) }
    }

    /// Band values (one per band, as read in Double from the stored Float or integer values) brought
    /// to reflectance, in the kernels' Float arithmetic.
    public func apply(_ values: [Double]) -> [Double] {
        values.indices.map { Double(apply(band: $0, Float(values[$0]))) }
    }
}
