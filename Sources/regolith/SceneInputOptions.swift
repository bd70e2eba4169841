import ArgumentParser
import Pipeline

/// `--input` and `--scale`: what a scene's pixels hold, for the commands that read band values.
struct SceneInputOptions: ParsableArguments {
    @Option(help: "What the scene's pixels hold: dn (GF-2 DNs, calibrated with the product XML) or reflectance (made elsewhere, e.g. ENVI FLAASH/QUAC output as GeoTIFF or ENVI .dat/.hdr; skips calibrate). Default: by the pixel type, integers being DNs for a model trained on reflectance.")
    var input: SceneInput.Kind?

    @Option(help: "Reflectance per stored value of a reflectance scene, e.g. 0.0001 for reflectance × 10000 in integers (default: 1).")
    var scale: Double?

    func validate() throws {
        if let scale, let problem = SettingRules.reflectanceScale(scale, input: input) { throw ValidationError("--scale: \(problem)") }
    }

    /// For the commands that read stored values as they are or scaled (`samples`, `train`): DNs are calibrated first.
    func refuseDN(_ command: String) throws {
        if input == .dn { throw ValidationError("--input dn: \(command) reads reflectance; calibrate the DN scene first (regolith calibrate)") }
    }

    var sceneInput: SceneInput { SceneInput(kind: input, scale: scale) }
}

extension SceneInput.Kind: ExpressibleByArgument {}
