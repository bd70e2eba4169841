import Foundation
import Inversion

extension RunReport {
    /// Which model to trust, from the spatial-block validation against the measured contents: the
    /// method with the lowest RMSE there, how much the random split flatters it, and what that means
    /// for the map (made by `mapMethodName`). Nil without a spatial-block validation. Under `arch: auto`
    /// the selection's verdict: which model made the map, by how much it won, the paper CNN's figures.
    var verdict: String? {
        if let selection {
            return selection.verdict + (interval.map { String(format: " Its %g prediction interval is the map's value %@ (%@).", $0.level, $0.halfWidthFormula, $0.file) } ?? "")
        }
        let spatial = validations.filter { $0.scheme.hasPrefix("spatial") && $0.test.measured.rmse.isFinite }
        guard let best = spatial.min(by: { $0.test.measured.rmse < $1.test.measured.rmse }) else { return nil }
        var text = String(format: "Away from the samples a model was trained on (spatial blocks, against the measured contents), %@ predicts best: RMSE %.3g, R² %.2f.",
                          best.method, best.test.measured.rmse, best.test.measured.r2)
        if let random = validation(best.method, "random") {
            let optimism = 1 - random.test.measured.rmse / best.test.measured.rmse
            text += optimism > 0
                ? String(format: " The random split puts its RMSE at %.3g, only %.2f of the spatial-block figure: that is the leak of neighbouring kriged targets, not skill, so quote the spatial-block figure.", random.test.measured.rmse, random.test.measured.rmse / best.test.measured.rmse)
                : String(format: " The random split gives a similar RMSE (%.3g), so little of the score comes from neighbouring samples.", random.test.measured.rmse)
        }
        let mapMethod = mapMethodName ?? ""
        // "the CNN" as the paper has it; a regression by its name.
        let isCNN = mapMethod.hasPrefix("CNN")
        if best.method == mapMethod {
            text += String(format: " The content map is made by %@; expect errors of about ±%.2g in content at places as far from samples as a spatial block, less near them.", isCNN ? "this CNN" : mapMethod, best.test.measured.rmse)
        } else if let mapped = spatial.first(where: { $0.method == mapMethod }) {
            let worse = mapped.test.measured.rmse / best.test.measured.rmse - 1
            text += String(format: " The content map is made by %@, whose spatial-block RMSE is %.3g (R² %.2f), %.2f times %@'s", isCNN ? "the CNN" : mapMethod, mapped.test.measured.rmse,
                           mapped.test.measured.r2, 1 + worse, best.method)
            // Within a tenth, another seed or fold layout could swap the order; beyond it the choice matters.
            text += worse < 0.1
                ? String(format: ": about as good away from the samples, so expect errors of about ±%.2g in the map at places as far from samples as a spatial block, less near them.", mapped.test.measured.rmse)
                : String(format: ": read the map's contrasts rather than its values, and consider mapping with %@ where the difference matters.", best.method)
        }
        return text
    }
}
