import Foundation

/// One product's relative radiometric normalisation in a region mosaic: per band, reference
/// reflectance ≈ gain × its reflectance + offset, fitted on its overlap with the better-ranked
/// products (`RelativeNormalisation`), and how many samples (block means) the fit saw.
public struct ProductNormalisation: Codable, Sendable, Equatable {
    public var gains: [Double]
    public var offsets: [Double]
    /// Overlap samples (block means, `RelativeNormalisation.blockSize`) with data in both the product and the reference.
    public var overlapSamples: Int
    /// Of those, the pseudo-invariant samples the fit used (before its bounded subsample).
    public var samples: Int
    /// Why the product keeps gain 1 and offset 0 (the reference itself, too little overlap); nil when fitted.
    public var note: String?

    public init(gains: [Double], offsets: [Double], overlapSamples: Int, samples: Int, note: String? = nil) {
        self.gains = gains
        self.offsets = offsets
        self.overlapSamples = overlapSamples
        self.samples = samples
        self.note = note
    }

    /// Gain 1, offset 0 in every band, and why.
    public static func identity(bands: Int, overlapSamples: Int = 0, samples: Int = 0, note: String) -> ProductNormalisation {
        ProductNormalisation(gains: [Double](repeating: 1, count: bands), offsets: [Double](repeating: 0, count: bands),
                             overlapSamples: overlapSamples, samples: samples, note: note)
    }

    /// The calibration with the normalisation composed after it: `gain · (scale · DN + shift) + offset`
    /// as one multiply-add, so the mosaic applies it as it reads, with no extra pass.
    public func composed(with calibration: BandAffine) -> BandAffine {
        BandAffine(scales: calibration.scales.indices.map { Float(gains[$0] * Double(calibration.scales[$0])) },
                   shifts: calibration.shifts.indices.map { Float(gains[$0] * Double(calibration.shifts[$0]) + offsets[$0]) })
    }

    /// "gains 1.0412, 0.9876, …; offsets 0.0012, …; 2311 pseudo-invariant of 5120 overlap samples" or the note.
    public var description: String {
        func list(_ values: [Double]) -> String { values.map { String(format: "%.4f", $0) }.joined(separator: ", ") }
        if let note { return "gain 1, offset 0: \(note)" }
        return "gains \(list(gains)); offsets \(list(offsets)); \(samples) pseudo-invariant of \(overlapSamples) overlap samples"
    }
}
