/// The radiometry of the band values a model was trained on, recorded in `model.json`
/// (`input.radiometry`) so that `invert` can bring a scene to it: a DN scene with its product XML is
/// calibrated on the fly (with dark-object subtraction when the model's reflectances had it), and a
/// scene of the wrong kind is refused.
public struct InputRadiometry: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// Top-of-atmosphere reflectance by Regolith's calibration of GF-2 DNs (`calibrate`).
        case toaReflectance = "toa-reflectance"
        /// Reflectance made elsewhere (ENVI FLAASH/QUAC, …), given with `--input reflectance`.
        case reflectance
        /// The scene's DNs as they are.
        case dn
    }

    public var kind: Kind
    /// For `toa-reflectance`: whether the dark-object haze was subtracted (nil: not known).
    public var dos: Bool?

    public init(kind: Kind, dos: Bool? = nil) {
        self.kind = kind
        self.dos = kind == .toaReflectance ? dos : nil
    }

    /// What a model without the record reads: reflectance when every input band's mean is below
    /// 1.5 (reflectances lie in 0…1, GF-2 DNs in the hundreds), otherwise DNs.
    public static func inferred(from standardisation: Standardisation) -> InputRadiometry {
        standardisation.inputMeans.allSatisfy { $0 < 1.5 } ? InputRadiometry(kind: .toaReflectance) : InputRadiometry(kind: .dn)
    }

    /// "TOA reflectance with dark-object subtraction", for messages.
    public var description: String {
        switch kind {
        case .toaReflectance: dos.map { $0 ? "TOA reflectance with dark-object subtraction" : "TOA reflectance without dark-object subtraction" } ?? "TOA reflectance"
        case .reflectance: "reflectance made elsewhere"
        case .dn: "DNs"
        }
    }
}
