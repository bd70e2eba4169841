import ArgumentParser
import Inversion
import Pipeline

/// Where the kriged map stops (`krige`): beyond the samples' support its pixels are nodata.
struct ExtrapolationMaskOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Leave pixels whose nearest sample is farther than this (map units) nodata. Default: the variogram's practical range, beyond which a sample says next to nothing about a pixel.", valueName: "M"))
    var supportDistance: Double?

    @Option(help: ArgumentHelp("Leave pixels whose kriging variance exceeds this fraction of the prior variance (the sill, for point support) nodata: there the samples explain less than 1 − F of the variance and the value is essentially the mean.", valueName: "F"))
    var supportVariance = ExtrapolationMask.defaultVarianceFraction

    @Flag(help: "Krige every pixel of the scene, extrapolation beyond the samples' support included.")
    var noSupportMask = false

    func validate() throws {
        if let problem = supportDistance.flatMap(SettingRules.positive) { throw ValidationError("--support-distance: \(problem)") }
        if let problem = SettingRules.positive(supportVariance) { throw ValidationError("--support-variance: \(problem)") }
    }

    var mask: ExtrapolationMask? {
        noSupportMask ? nil : ExtrapolationMask(maxDistance: supportDistance, maxVarianceFraction: supportVariance)
    }
}
