import Foundation
import Inversion
import NeuralNet
import RasterIO

/// How a scene's stored pixel values become the band values a model reads (`--input`, `--scale`,
/// `--xml`, `--dos`; `input:`, `scale:`, `xml:`, `dos:` in a run configuration): a DN scene with its
/// product XML is calibrated on the fly, reflectance stored as integers is scaled, and a scene of the
/// wrong kind is refused with one line saying which.
public struct SceneInput: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// GF-2 DNs, calibrated with the product XML.
        case dn
        /// Reflectance made elsewhere (ENVI FLAASH/QUAC, …), Float or integers with `scale`.
        case reflectance
    }

    /// nil: by the scene's pixel type (integers are DNs for a model that reads reflectance).
    public var kind: Kind?
    /// Reflectance per stored unit of a reflectance scene (0.0001 for reflectance × 10000); nil: 1.
    public var scale: Double?
    /// A DN scene's product XML; nil: the scene's path with `.xml`.
    public var metadata: String?
    /// Dark-object subtraction of a DN scene, for a model that does not record whether it had it.
    public var dos: Bool?
    /// A DN scene's calibration (with `dos`) when already computed: a `run` computes it, and its
    /// dark-object statistics pass, once for all its steps.
    public var calibration: BandAffine?

    public init(kind: Kind? = nil, scale: Double? = nil, metadata: String? = nil, dos: Bool? = nil) {
        self.kind = kind
        self.scale = scale
        self.metadata = metadata
        self.dos = dos
    }

    /// What a model trained on a scene given this way reads.
    public func radiometry(darkObjectSubtraction: Bool?) -> InputRadiometry {
        kind == .reflectance ? InputRadiometry(kind: .reflectance) : InputRadiometry(kind: .toaReflectance, dos: darkObjectSubtraction)
    }

    /// The radiometry a scene written by `calibrate` states in its band descriptions ("TOA reflectance
    /// b1 (blue)", "DOS reflectance b1 (blue)"), or nil for any other scene.
    public static func calibratedRadiometry(of scene: String) throws -> InputRadiometry? {
        let descriptions = try Raster.open(scene).bands.map(\.description)
        guard descriptions.allSatisfy({ $0.hasPrefix("TOA reflectance") || $0.hasPrefix("DOS reflectance") }) else { return nil }
        return InputRadiometry(kind: .toaReflectance, dos: descriptions.contains { $0.hasPrefix("DOS reflectance") })
    }

    /// The reflectance per stored value of a reflectance scene of `bands` bands (nil: the values are reflectance).
    public func reflectanceScale(bands: Int) -> BandAffine? {
        guard kind == .reflectance, let scale, scale != 1 else { return nil }
        return BandAffine(scale: scale, bands: bands)
    }

    /// Stored values → reflectance for every band of `scene` as it is given, with no model to match:
    /// a reflectance scene's scale, a DN scene's calibration (`kind` dn; with dark-object subtraction a
    /// statistics pass over its DNs), or nil when the values are used as stored.
    public func storedToReflectance(scene: String, threads: Int) throws -> BandAffine? {
        switch kind {
        case .reflectance: return reflectanceScale(bands: try Raster.open(scene).bandCount)
        case .dn:
            if let calibration { return calibration }
            let (toa, haze) = try SceneCalibration(scene: scene, metadata: metadata, darkObjectSubtraction: dos ?? false).calibration(threads: threads)
            return BandAffine(calibration: toa, haze: haze?.haze)
        case nil: return nil
        }
    }

    /// The per-band affine (one per model band) that brings `scene` to what `model` (in `modelFolder`)
    /// reads, or nil when the scene holds it already; a DN scene calibrated with dark-object
    /// subtraction costs a statistics pass over its DNs.
    public func affine(scene: String, model: Model, modelFolder: String, threads: Int) throws -> BandAffine? {
        try affine(scene: scene, model: .network(model), modelFolder: modelFolder, threads: threads)
    }

    /// `affine(scene:model:modelFolder:threads:)` for a model of any kind.
    public func affine(scene: String, model: MapModel, modelFolder: String, threads: Int) throws -> BandAffine? {
        let raster = try Raster.open(scene)
        let bands = model.sceneBands
        let types = bands.map { raster.bands[$0 - 1] }
        let expected = model.expectedRadiometry
        if kind == .reflectance {
            guard expected.kind != .dn else {
                throw InversionError("\(modelFolder): the model was trained on DNs; --input reflectance does not apply to it")
            }
            return reflectanceScale(bands: bands.count)
        }
        let integer = types.first { !$0.pixelType.isFloatingPoint }
        let givenAsDN = kind == .dn || metadata != nil
        if givenAsDN, let band = types.first(where: { $0.pixelType.isFloatingPoint }) {
            throw InversionError("\(scene): reflectance scene (\(band.pixelType.name)) given as DN (\(kind == .dn ? "--input dn" : "--xml")); give the DN scene, or this one without \(kind == .dn ? "--input dn" : "--xml")")
        }
        guard givenAsDN || integer != nil else { return nil }
        let typeName = (integer ?? types[0]).pixelType.name
        switch expected.kind {
        case .dn:
            if metadata != nil { throw InversionError("\(modelFolder): the model was trained on DNs as they are; --xml does not apply to it") }
            return nil
        case .reflectance:
            throw InversionError("\(scene): DN scene (\(typeName)), but the model in \(modelFolder) was trained on \(expected.description); give that reflectance with --input reflectance")
        case .toaReflectance:
            var dn = SceneInput(kind: .dn, metadata: metadata, dos: try darkObjectSubtraction(for: expected, modelFolder: modelFolder))
            dn.calibration = dn.dos == dos ? calibration : nil
            guard (try? SceneCalibration(scene: scene, metadata: metadata).resolvedInputs()) != nil else {
                throw InversionError("\(scene): DN scene (\(typeName)) but no product metadata XML; give --xml or calibrate first")
            }
            return try dn.storedToReflectance(scene: scene, threads: threads)?.selecting(bands: bands)
        }
    }

    /// The model's record decides; `dos` only where it has none, and may not contradict it.
    private func darkObjectSubtraction(for expected: InputRadiometry, modelFolder: String) throws -> Bool {
        if let recorded = expected.dos, let dos, recorded != dos {
            throw InversionError("\(modelFolder): the model was trained on \(expected.description), but \(dos ? "--dos" : "--no-dos") asks otherwise")
        }
        return expected.dos ?? dos ?? false
    }
}
