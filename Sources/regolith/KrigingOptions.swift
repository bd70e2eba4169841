import ArgumentParser
import Inversion
import Pipeline

/// How samples are kriged: shared by `krige`, `samples` and `train`.
struct KrigingOptions: ParsableArguments {
    @Option(help: "Variogram model: auto (best fit of sph, exp, gau), sph, exp or gau.")
    var model: KrigingSettings.ModelChoice = .auto

    @Option(help: "Use the nearest N samples (default: all, the global neighbourhood).")
    var nmax: Int?

    @Option(help: "With --nmax: only samples within this distance (map units).")
    var maxdist: Double?

    @Option(help: "Block support: the side of a square block in map units (e.g. 4 for a GF-2 pixel); default point support.")
    var block: Double?

    func validate() throws {
        if let nmax, nmax < 1 { throw ValidationError("--nmax must be at least 1") }
        if let problem = maxdist.flatMap(SettingRules.positive) { throw ValidationError("--maxdist: \(problem)") }
        if maxdist != nil && nmax == nil { throw ValidationError("--maxdist needs --nmax") }
        if let problem = block.flatMap(SettingRules.positive) { throw ValidationError("--block: \(problem)") }
    }

    var settings: KrigingSettings { KrigingSettings(model: model, nmax: nmax, maxdist: maxdist, block: block) }
}

extension KrigingSettings.ModelChoice: ExpressibleByArgument {}
