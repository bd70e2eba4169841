import Foundation
import Inversion

extension RunReport {
    /// A self-contained HTML page: the figures' PNG files (read from `folder`) embedded as data
    /// URIs, plots inline as SVG, so the one file is the report wherever it is sent. Fits an 800 px
    /// wide window: wide tables and preformatted text scroll inside their own boxes.
    public func html(embeddingFrom folder: String) -> String {
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>\(e(title))</title>
            <style>
            body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; overflow-wrap: break-word; }
            table { border-collapse: collapse; margin: 0.5em 0; } th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; white-space: nowrap; }
            th { background: #f2f2f2; } td.l, th.l { text-align: left; } .good { color: #176b2c; } .bad { color: #a11; }
            .wide { max-width: 100%; overflow-x: auto; margin-bottom: 1.5em; } .rows { max-height: 26em; overflow-y: auto; }
            .rows th { position: sticky; top: 0; }
            figure { display: inline-block; margin: 0.5em 1em 1em 0; vertical-align: top; max-width: 100%; } figure.map { width: 560px; }
            figcaption { font-size: 90%; color: #555; max-width: 520px; }
            img, svg { max-width: 100%; height: auto; } svg.map { width: 100%; display: block; }
            pre { background: #f7f7f7; padding: 0.8em; overflow-x: auto; } .verdict { background: #f4f7fb; border-left: 4px solid #31688e; padding: 0.6em 1em; }
            </style></head><body>
            <h1>\(e(title))</h1>
            <p>\(e(software)) · started \(e(started))</p>

            """
        // The verdict leads: which model made the map and how good it is.
        if let verdict { page += "<h2>Which model to trust</h2><p class=verdict>\(e(verdict))</p>" }
        page += "<h2>Inputs</h2>" + wide("<table>" + inputs.sorted { $0.key < $1.key }.map { "<tr><th class=l>\(e($0.key))</th><td class=l>\(e($0.value))</td></tr>" }.joined() + "</table>")
        page += notes.isEmpty ? "" : "<ul>" + notes.map { "<li>\(e($0))</li>" }.joined() + "</ul>"
        page += regionSection
        if let calibration { page += "<h2>Calibration</h2><pre>\(e(calibration.description))</pre>" }
        if let samples {
            page += "<h2>Sample set</h2><pre>\(e(samples.description))\nThe geochemical map is kriged with the same variogram and samples.</pre>"
            if !samples.dropped.isEmpty {
                page += "<details><summary>\(samples.dropped.count) dropped sample(s)</summary><ul>"
                    + samples.dropped.map { "<li>\(e("\($0.id) (line \($0.line)): \($0.reason)"))</li>" }.joined() + "</ul></details>"
            }
        }
        page += screeningTable
        page += validationTable
        page += selectionTable
        page += intervalSection
        if !modelSummaries.isEmpty {
            page += (selection == nil ? "<h3>Fitted models (the random split's training part)</h3>" : "<h3>The map's model (fitted on every sample)</h3>") + wide("<table>" + modelSummaries.sorted { $0.key < $1.key }
                .map { "<tr><th class=l>\(e($0.key))</th><td class=l>\(e($0.value))</td></tr>" }.joined() + "</table>")
        }
        page += "<h2>Maps and plots</h2>"
        if let mapCRS, figures.contains(where: { $0.map != nil }) {
            page += "<p>Map coordinates: \(e(mapCRS)). North is up on every map.</p>"
        }
        for figure in figures {
            page += figure.map == nil ? "<figure>" : "<figure class=map>"
            if let file = figure.file {
                let image = dataURI(of: (folder as NSString).appendingPathComponent(file))
                if let image, let map = figure.map {
                    page += mapPanel(map, image: image, title: figure.title)
                } else if let image {
                    page += "<img src=\"\(image)\" alt=\"\(e(figure.title))\">"
                } else {
                    page += "<p class=bad>\(e(file)) could not be read when the report was written.</p>"
                }
            }
            if let svg = figure.svg { page += svg }
            page += "<figcaption><b>\(e(figure.title)).</b> \(e(figure.caption))</figcaption></figure>"
        }
        if let comparison {
            page += "<h2>Inverted map against the kriged geochemical map</h2>" + supportNote + comparisonTable(comparison)
        }
        if let truth {
            page += "<h2>Against the synthetic world's truth</h2>" + supportNote + comparisonTable(truth.map)
            page += String(format: "<p>Anomaly areas against the true anomaly zones: IoU %.3f", truth.zones.iou)
            if let within = truth.zones.iouWithinSupport { page += String(format: ", %.3f within the samples' support", within) }
            if let bound = truth.zones.truthIoU {
                page += String(format: " (the true content itself, thresholded at the areas' threshold, reaches %.3f%@: the world holds high content outside its zones)",
                               bound, truth.zones.truthIoUWithinSupport.map { String(format: ", %.3f within the support", $0) } ?? "")
            }
            page += ". "
            page += truth.zones.ranksByZone.sorted { $0.key < $1.key }.map { "zone \($0.key) is hit by area(s) \($0.value.map(String.init).joined(separator: ", "))" }.joined(separator: "; ")
            page += ". The top \(truth.topRanks) area(s) " + (truth.hitsAllZones ? "<span class=good>hit every true zone</span>" : "<span class=bad>miss a true zone</span>") + ".</p>"
            if let coverage = truth.intervalCoverage, let interval {
                page += String(format: "<p>The %g prediction interval holds the true content at a fraction %.3f of these pixels.</p>", interval.level, coverage)
            }
        }
        page += anomalyTable
        page += "<h2>Outputs</h2><p>Beside this page in the run's folder:</p>" + wide("<table>" + outputs.sorted { $0.key < $1.key }.map { "<tr><th class=l>\(e($0.key))</th><td class=l><a href=\"\(e($0.value))\">\(e($0.value))</a></td></tr>" }.joined() + "</table>")
        page += "<h2>Timings</h2>" + wide("<table><tr><th class=l>step</th><th>seconds</th></tr>"
            + steps.map { String(format: "<tr><td class=l>%@</td><td>%.2f</td></tr>", e($0.name), $0.seconds) }.joined()
            + String(format: "<tr><th class=l>total</th><th>%.2f</th></tr></table>", steps.map(\.seconds).reduce(0, +)))
        page += "<h2>Configuration</h2><pre>\(e(configuration))</pre>"
        return page + "</body></html>\n"
    }

    /// What the numbers imply, in sentences.
    private var notes: [String] {
        var notes: [String] = []
        if let inversion {
            notes.append(String(format: "invert: %d tiles, %.1f Mpixel/s", inversion.tiles, inversion.megapixelsPerSecond))
            if let domain = inversion.domain, let outside = inversion.outsideDomainFraction {
                notes.append(String(format: "Applicability domain (%@): a fraction %.3f of the scene's pixels lie outside and are nodata in the map.", domain, outside))
            }
            if let range = inversion.outsideTargetRange {
                notes.append(String(format: "%d pixels (a fraction %.4f of the mapped ones) are predicted outside the training targets' range %.4g to %.4g%@, %d below and %d above: there the model extrapolates. They are flagged in %@ (-1 below, +1 above).",
                                    range.outside, range.outsideFraction, range.lower, range.upper, value.isEmpty ? "" : " (\(value))",
                                    range.below, range.above, RunFolder.Entry.contentRange.rawValue))
            }
        }
        if let masks {
            let limits = AnomalyDelineation.Masks(vegetationNDVI: masks.vegetationNDVI, waterNDWI: masks.waterNDWI).summary
            notes.append("Comparisons and anomaly areas leave out pixels outside \(limits): the samples lie on bare ground, and the model does not apply to vegetation or water.")
        }
        return notes
    }

    private var screeningTable: String {
        var html = "<h2>Band screening (Table 3)</h2><table><tr><th class=l>band</th><th>n</th><th>Spearman ρ</th><th>p</th><th>Pearson r</th><th>p</th></tr>"
        for row in screening {
            if let note = row.note {
                html += "<tr><td class=l>\(e(row.column))</td><td>\(row.n)</td><td class=l colspan=4>\(e(note))</td></tr>"
                continue
            }
            html += String(format: "<tr><td class=l>%@</td><td>%d</td><td>%+.3f%@</td><td>%.3g</td><td>%+.3f%@</td><td>%.3g</td></tr>",
                           e(row.column), row.n, row.spearmanRho ?? .nan, BandScreening.Row.stars(row.spearmanP), row.spearmanP ?? .nan,
                           row.pearsonR ?? .nan, BandScreening.Row.stars(row.pearsonP), row.pearsonP ?? .nan)
        }
        return wide(html + "</table>") + "<p>** p &lt; 0.01, * p &lt; 0.05 (two-sided, t-approximation with n − 2 df).</p>"
    }

    private var validationTable: String {
        var html = """
            <h2>Models: CNN against the baselines</h2>
            <p>Targets are the kriged contents at the sample pixels; "measured" compares with the contents measured at the samples.
            The random split is the paper's; it leaks, since neighbouring kriged targets are near-copies. Spatial blocks
            re-krige the targets from each fold's training samples only.</p>
            <div class=wide><table><tr><th class=l>method</th><th class=l>validation</th><th class=l>part</th>
            <th>n</th><th>R² kriged</th><th>RMSE kriged</th><th>RPD kriged</th><th>R² measured</th><th>RMSE measured</th><th>RPD measured</th></tr>
            """
        for v in validations {
            for (part, metrics) in [("train", v.train), ("test", v.test)] {
                html += String(format: "<tr><td class=l>%@</td><td class=l>%@</td><td class=l>%@</td><td>%d</td><td>%.3f</td><td>%.3f</td><td>%.2f</td><td>%.3f</td><td>%.3f</td><td>%.2f</td></tr>",
                               e(v.method), e(v.scheme), part, metrics.kriged.count, metrics.kriged.r2, metrics.kriged.rmse, metrics.kriged.rpd,
                               metrics.measured.r2, metrics.measured.rmse, metrics.measured.rpd)
            }
        }
        return html + "</table></div>"
    }

    /// `arch: auto`: every candidate's figures, the winner marked.
    private var selectionTable: String {
        guard let selection else { return "" }
        var html = "<h3>Model selection by spatial validation</h3><p>Each candidate scored by \(e(selection.scheme)) against the measured contents; the lowest RMSE makes the map (on a tie the simpler). Networks stop early on an inner split of each fold's training samples.</p>"
            + "<div class=wide><table><tr><th class=l>candidate</th><th>spatial RMSE</th><th>spatial R²</th><th>random-split RMSE</th><th>random-split R²</th><th class=l>iterations kept by fold</th><th>seconds</th></tr>"
        for score in selection.scores {
            let mark = score.method == selection.winner ? " (best)" : ""
            let maps = score.method == selection.mapModel ? " (makes the map)" : ""
            html += String(format: "<tr><td class=l>%@</td><td>%.4f</td><td>%.3f</td><td>%.4f</td><td>%.3f</td><td class=l>%@</td><td>%.1f</td></tr>",
                           e(score.method + mark + maps), score.spatialRMSE, score.spatialR2, score.randomRMSE ?? .nan, score.randomR2 ?? .nan,
                           e(score.foldIterations.map { $0.map(String.init).joined(separator: ", ") } ?? "–"), score.seconds)
        }
        return html + String(format: "</table></div><p>The map's model on every sample: %@ (%.1f s).</p>", e(selection.mapModelSummary), selection.finalFitSeconds)
    }

    /// The map's calibrated interval.
    private var intervalSection: String {
        guard let interval else { return "" }
        let rule = interval.difficulty == nil
            ? String(format: "The half-width is the ⌈(n + 1) × %g⌉-th smallest of the n = %d absolute residuals of %@'s held-out samples in the spatial-block cross-validation, the same everywhere (interval_weighting: none, or too few held-out residuals, or too little spread in their predictions, to weight it).",
                     interval.level, interval.residuals, e(interval.method))
            : String(format: "It is locally weighted: a pixel predicted ŷ is as hard to predict as d(ŷ), the least-squares line of the absolute residuals of %@'s n = %d held-out samples in the spatial-block cross-validation on their predictions (floored at 0.1 of their mean, and not extended beyond their range), and the half-width is q × d(ŷ), q the ⌈(n + 1) × %g⌉-th smallest of the residuals divided by their d. %@",
                     e(interval.method), interval.residuals, interval.level,
                     (interval.difficulty?.slope ?? 0) > 0 ? "Here the errors grow with the predicted content, so the interval is narrower on the background than on the ore; the width map below shows it."
                        : "Here the errors do not grow with the predicted content; the width map below shows the width.")
        return String(format: "<h3>Prediction interval</h3><p>%@ holds, for every mapped pixel, the bounds of a %g conformal prediction interval and its width: the map's value %@%@. %@ A fraction %.3f of the held-out residuals lie within it. The interval assumes a map pixel is as hard to predict as a sample of the same predicted content held out in its spatial block: near samples it is conservative, far beyond the blocks' reach it can fall short. Each anomaly area's p_exceed is the probability that the content exceeds the threshold at the area's mean, from the same scores, signed and scaled by the difficulty at that mean.</p>",
                      e(interval.file), interval.level, e(interval.halfWidthFormula), value.isEmpty ? "" : e(" (\(value))"), rule, interval.empiricalCoverage)
    }

    /// Which pixels the comparisons cover.
    private var supportNote: String {
        guard let support else { return "" }
        guard let mask = support.mask else { return "<p>The kriged map is not masked: the comparison covers every pixel, extrapolations included.</p>" }
        return String(format: "<p>Over the samples' support only (%@): %d of %d pixels (%.1f per cent of the scene).</p>",
                      e(mask), support.supportedPixels, support.scenePixels, 100 * support.supportedFraction)
    }

    private func comparisonTable(_ c: MapComparison) -> String {
        wide(String(format: "<table><tr><th>pixels</th><th>Pearson r</th><th>R²</th><th>RMSE</th><th>bias</th><th>high-area IoU (P%g)</th><th>recall</th></tr><tr><td>%d</td><td>%.3f</td><td>%.3f</td><td>%.3f</td><td>%+.3f</td><td>%.3f</td><td>%.3f</td></tr></table>",
               c.highPercentile, c.pixels, c.pearson, c.r2, c.rmse, c.bias, c.highIoU, c.highRecall))
    }

    private var anomalyTable: String {
        var html = String(format: "<h2>Anomaly areas</h2><p>Threshold %.4g; %d area(s), ranked by excess content Σ(content − threshold) × area; all listed (the table scrolls). Centre: the centroid of the area's polygon, in the map CRS (%@) and as WGS 84 longitude/latitude.</p>",
                          anomalyThreshold, anomalies.count, e(mapCRS ?? "unknown"))
        let withProbability = anomalies.contains { $0.exceedanceProbability != nil }
        let located = Dictionary(anomalyLocations.map { ($0.rank, $0) }, uniquingKeysWith: { first, _ in first })
        html += "<div class=\"wide rows\"><table><tr><th>rank</th><th>area (m²)</th><th>pixels</th><th>mean</th><th>max</th><th>centre x</th><th>centre y</th><th>longitude</th><th>latitude</th><th class=l>pixel box (col, row, w, h)</th>"
            + (withProbability ? "<th>P(content above threshold)</th>" : "") + (region != nil ? "<th class=l>products (pixels)</th>" : "") + "</tr>"
        for a in anomalies {
            let place = located[a.rank]
            let coordinates = [place?.x, place?.y].map { $0.map { String(format: "%.1f", $0) } ?? "" }
                + [place?.longitude, place?.latitude].map { $0.map { String(format: "%.6f", $0) } ?? "" }
            html += String(format: "<tr><td>%d</td><td>%.0f</td><td>%d</td><td>%.3f</td><td>%.3f</td>", a.rank, a.areaSquareMetres, a.pixels, a.meanContent, a.maxContent)
                + coordinates.map { "<td>\($0)</td>" }.joined()
                + "<td class=l>\(a.bounds.map(String.init).joined(separator: ", "))</td>"
                + (withProbability ? String(format: "<td>%.3f</td>", a.exceedanceProbability ?? .nan) : "")
                + (region.map { "<td class=l>\(e($0.sources(ofRank: a.rank) ?? ""))</td>" } ?? "") + "</tr>"
        }
        return html + "</table></div>"
    }

    /// A table (or anything wide) in a box that scrolls sideways instead of widening the page.
    private func wide(_ content: String) -> String { "<div class=wide>\(content)</div>" }

    /// The file's bytes as a data URI (nil if it cannot be read).
    private func dataURI(of path: String) -> String? {
        guard let bytes = FileManager.default.contents(atPath: path) else { return nil }
        let type = path.hasSuffix(".svg") ? "image/svg+xml" : "image/png"
        return "data:\(type);base64,\(bytes.base64EncodedString())"
    }

    func e(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
