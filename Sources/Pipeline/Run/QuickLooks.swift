import Inversion
import NeuralNet

/// The run's PNG quick-looks and their report figures: the content map, the anomaly areas over
/// it, the kriged geochemical map and, on a synthetic world, the true content.
struct QuickLooks {
    var folder: RunFolder
    /// The mapped column and its unit.
    var value: TargetDescriptor
    var truth: String?

    func render(content: String, geochemicalMap: String, labels: String) throws -> [RunReport.Figure] {
        var maps: [(name: String, path: String, title: String, caption: String)] = [
            ("content.png", content, "Inverted content", "CNN prediction for every pixel (\(value.label)); white: nodata, outside the model's applicability domain."),
            ("geochem.png", geochemicalMap, "Kriged geochemical map", "Ordinary kriging of the sample contents (\(value.label)) on the same grid; white: nodata, beyond the samples' support."),
        ]
        if let truth {
            maps.append(("truth.png", truth, "True content (synthetic world)", "What the map should show."))
        }
        let quickLook = QuickLook(unit: value.unit)
        for map in maps { _ = try quickLook.render(map: map.path, to: folder.file(map.name)) }
        _ = try quickLook.render(map: content, outlines: labels, to: folder.file("anomalies.png"))
        maps.insert(("anomalies.png", content, "Anomaly areas", "The delineated areas (red outlines) over the inverted content; ranks in the table below."), at: 1)
        return maps.map { RunReport.Figure(title: $0.title, file: $0.name, caption: $0.caption) }
    }
}
