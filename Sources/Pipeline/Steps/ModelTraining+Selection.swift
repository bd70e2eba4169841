import Foundation
import Inversion

extension ModelTraining.Selection {
    /// The candidates by spatial-validation RMSE, best first.
    public var ranked: [ModelSelection.Score] {
        scores.enumerated().sorted { ($0.element.spatialRMSE, $0.offset) < ($1.element.spatialRMSE, $1.offset) }.map(\.element)
    }

    /// The paper's CNN in the table (always a candidate).
    public var paper: ModelSelection.Score? { scores.first { $0.method == "CNN paper" } }

    /// Which model made the map and why, in sentences: the winner's spatial-validation RMSE, its
    /// lead over the runner-up (as a fraction of the runner-up's RMSE), and the paper CNN's figures.
    public var verdict: String {
        let ranked = ranked
        guard let best = ranked.first else { return "" }
        var text = String(format: "%@ predicts best away from the samples (%@, against the measured contents): RMSE %.3g, R² %.2f", best.method, scheme, best.spatialRMSE, best.spatialR2)
        if ranked.count > 1 {
            let second = ranked[1]
            text += String(format: ", ahead of the runner-up %@ (RMSE %.3g) by %.3g, a fraction %.3f of the runner-up's RMSE.", second.method, second.spatialRMSE,
                           second.spatialRMSE - best.spatialRMSE, (second.spatialRMSE - best.spatialRMSE) / second.spatialRMSE)
        } else {
            text += "."
        }
        text += " The map is made by \(mapModel), fitted on every sample."
        if let paper, paper.method != best.method {
            text += String(format: " The paper's CNN: RMSE %.3g, R² %.2f (spatial blocks)%@.", paper.spatialRMSE, paper.spatialR2,
                           paper.randomR2.map { String(format: ", R² %.2f on the paper's random split", $0) } ?? "")
        }
        return text
    }

    /// The console table `train --arch auto` prints.
    public var table: String {
        var lines = ["candidate      spatial RMSE  spatial R²  random R²  iterations kept by fold       seconds"]
        for score in scores {
            let iterations = score.foldIterations.map { $0.map(String.init).joined(separator: " ") } ?? "-"
            lines.append(String(format: "%@ %12.4f %11.3f %10.3f  %@ %8.1f", score.method.padding(toLength: 14, withPad: " ", startingAt: 0),
                                score.spatialRMSE, score.spatialR2, score.randomR2 ?? .nan,
                                iterations.padding(toLength: 28, withPad: " ", startingAt: 0), score.seconds))
        }
        lines.append("winner         \(winner)" + (mapModel == winner ? "" : "; the map's model: \(mapModel)"))
        return lines.joined(separator: "\n")
    }
}
