import Dispatch
import Foundation
import Inversion
import NeuralNet
import RasterIO
import TileEngine

/// The pieces of `regolith bench`, which measures a node: a seeded paper-preset model for a scene,
/// the compiled CNN's rate on pixels in memory, and the peak memory of child runs.
public enum NodeBenchmark {
    public struct Row: Codable, Sendable {
        public var threads: Int
        public var endToEndSeconds: Double
        public var endToEndMpixelPerSecond: Double
        public var inferenceMpixelPerSecond: Double
        public var peakResidentMiB: Double
        public init(threads: Int, endToEndSeconds: Double, endToEndMpixelPerSecond: Double, inferenceMpixelPerSecond: Double, peakResidentMiB: Double) {
            self.threads = threads
            self.endToEndSeconds = endToEndSeconds
            self.endToEndMpixelPerSecond = endToEndMpixelPerSecond
            self.inferenceMpixelPerSecond = inferenceMpixelPerSecond
            self.peakResidentMiB = peakResidentMiB
        }
    }

    public struct Report: Codable, Sendable {
        public var regolith: String
        public var gdal: String
        public var host: String
        public var cores: Int
        public var scene: String
        public var pixels: Int
        public var rows: [Row]
        public init(regolith: String, gdal: String, host: String, cores: Int, scene: String, pixels: Int, rows: [Row]) {
            (self.regolith, self.gdal, self.host, self.cores, self.scene, self.pixels, self.rows) = (regolith, gdal, host, cores, scene, pixels, rows)
        }
    }

    /// The largest peak RSS of the child processes so far (getrusage RUSAGE_CHILDREN, in MiB).
    public static var childrenPeakResidentMiB: Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    /// The paper preset with seeded weights, standardised with the scene's own band statistics.
    public static func benchmarkModel(for scene: String) throws -> Model {
        let statistics = try StatisticsPass.run(path: scene, bands: [1, 2, 3, 4])
        let standardisation = Standardisation(inputMeans: statistics.map { Float($0.mean) },
                                              inputStandardDeviations: statistics.map { Float($0.standardDeviation ?? 1) },
                                              targetMean: 3, targetStandardDeviation: 2)
        return try Model(preset: .paper, network: NetworkPreset.paper.network(seed: 7), inputLayout: NetworkPreset.paper.inputLayout(),
                         bands: BandDescriptor.gf2, standardisation: standardisation, target: TargetDescriptor(name: "re2o3"))
    }

    /// Band-sequential pixels from the top of the scene, for the inference-only measurement.
    public static func samplePixels(_ scene: String, count: Int) throws -> [Float] {
        let raster = try Raster.open(scene)
        let rows = min(raster.height, max(1, count / raster.width))
        return try raster.read(Window(x: 0, y: 0, width: raster.width, height: rows), bands: [1, 2, 3, 4], as: Float.self)
    }

    /// Mpixel/s of the compiled paper plan on `threads` threads, each predicting its own copy of the
    /// pixels with its own workspace.
    public static func inferenceRate(_ plan: PaperNetworkPlan, pixels: [Float], threads: Int) -> Double {
        let count = pixels.count / 4
        let started = DispatchTime.now().uptimeNanoseconds
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            let workspace = PaperNetworkWorkspace()
            var output = [Float](repeating: 0, count: count)
            pixels.withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { out in
                    plan.predict(bandSequential: input.baseAddress!, bandStride: count, count: count, into: out.baseAddress!, workspace: workspace)
                }
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return Double(count * threads) / seconds / 1e6
    }
}
