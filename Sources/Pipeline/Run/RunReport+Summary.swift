import Foundation

extension RunReport {
    /// The few lines `regolith run` prints when it is done.
    public func consoleSummary(folder: String) -> String {
        var lines = ["report       \((folder as NSString).appendingPathComponent(RunFolder.Entry.reportPage.rawValue))"]
        if let selection, let best = selection.ranked.first {
            let second = selection.ranked.dropFirst().first
            lines.append(String(format: "model        %@ made the map; best by spatial CV: %@, RMSE %.3f%@", selection.mapModel, best.method, best.spatialRMSE,
                                second.map { String(format: ", runner-up %@ %.3f (ahead by a fraction %.3f)", $0.method, $0.spatialRMSE, ($0.spatialRMSE - best.spatialRMSE) / $0.spatialRMSE) } ?? ""))
            if let paper = selection.paper {
                lines.append(String(format: "paper CNN    spatial-CV RMSE %.3f, R² %.3f", paper.spatialRMSE, paper.spatialR2))
            }
        } else if let method = mapMethodName {
            // "CNN" as before for the CNN's map; the regression's name otherwise.
            let label = method.hasPrefix("CNN") ? "CNN" : method
            lines.append(String(format: "%@ test R² %.3f (random split), %.3f (spatial blocks) against measured contents",
                                label.padding(toLength: 12, withPad: " ", startingAt: 0),
                                validation(method, "random")?.test.measured.r2 ?? .nan, validation(method, "spatial")?.test.measured.r2 ?? .nan))
        }
        if let scope = region?.modelScope {
            lines.append(String(format: "scope        product: %d of %d products with their own %@; spatial-CV RMSE %.3f%@", scope.productsWithOwnModel,
                                region?.products.count ?? 0, scope.method, scope.productScopeRMSE,
                                scope.regionRMSE.map { String(format: " against %.3f for the region's model alone", $0) } ?? ""))
        }
        if let interval {
            lines.append(String(format: "interval     %g: the map %@ (%d held-out residuals of %@; a fraction %.3f of them within)", interval.level,
                                interval.halfWidthFormula, interval.residuals, interval.method, interval.empiricalCoverage))
        }
        if let comparison {
            lines.append(String(format: "map vs krige Pearson r %.3f, high-area IoU %.3f", comparison.pearson, comparison.highIoU))
        }
        if let truth {
            lines.append(String(format: "vs truth     R² %.3f, RMSE %.3f; anomaly areas vs true zones IoU %.3f; top %d areas %@",
                                truth.map.r2, truth.map.rmse, truth.zones.iou, truth.topRanks, truth.hitsAllZones ? "hit every zone" : "miss a zone"))
            if let within = truth.zones.iouWithinSupport {
                lines.append(String(format: "             zones IoU within the samples' support %.3f; the truth thresholded alike reaches %.3f (%.3f within)", within,
                                    truth.zones.truthIoU ?? .nan, truth.zones.truthIoUWithinSupport ?? .nan))
            }
            if let coverage = truth.intervalCoverage {
                lines.append(String(format: "             interval holds the true content at a fraction %.3f of the compared pixels", coverage))
            }
        }
        lines.append(String(format: "anomalies    %d area(s) above %.3f", anomalies.count, anomalyThreshold))
        lines.append(String(format: "time         %.1f s", steps.map(\.seconds).reduce(0, +)))
        return lines.joined(separator: "\n")
    }
}
