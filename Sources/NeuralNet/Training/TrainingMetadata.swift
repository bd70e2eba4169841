import Foundation

/// Provenance of a trained model, stored in `model.json`.
public struct TrainingMetadata: Sendable, Hashable, Codable {
    public struct LossPoint: Sendable, Hashable, Codable {
        public var iteration: Int
        public var training: Float?
        public var validation: Float?
    }

    public var loss: String = "mse-standardised-target"
    public var optimiser: String = "adam"
    public var seed: UInt64
    public var iterationsRequested: Int
    public var iterationsRun: Int
    public var keptIteration: Int
    public var stoppedEarly: Bool
    public var learningRate: Float
    public var batchSize: Int?
    public var trainingSamples: Int
    public var validationSamples: Int
    public var finalTrainingLoss: Float?
    public var finalValidationLoss: Float?
    /// At most ~50 points of the curves (every n-th step), enough to plot convergence.
    public var lossCurveSummary: [LossPoint]
    /// ISO 8601.
    public var started: String
    public var finished: String

    init(options: TrainingOptions, report: TrainingReport, trainingSamples: Int, validationSamples: Int, started: Date, finished: Date) {
        seed = options.seed
        iterationsRequested = options.iterations
        iterationsRun = report.iterationsRun
        keptIteration = report.keptIteration
        stoppedEarly = report.stoppedEarly
        learningRate = options.learningRate
        batchSize = options.batchSize
        self.trainingSamples = trainingSamples
        self.validationSamples = validationSamples
        finalTrainingLoss = report.trainingLoss.last
        finalValidationLoss = report.validationLoss.last?.loss
        let every = max(1, report.trainingLoss.count / 50)
        var points: [Int: LossPoint] = [:]
        for (index, value) in report.trainingLoss.enumerated() where (index + 1) % every == 0 || index == 0 {
            points[index + 1] = LossPoint(iteration: index + 1, training: value, validation: nil)
        }
        for (iteration, value) in report.validationLoss where iteration % every == 0 || iteration == report.iterationsRun {
            points[iteration, default: LossPoint(iteration: iteration, training: report.trainingLoss[iteration - 1], validation: nil)].validation = value
        }
        lossCurveSummary = points.values.sorted { $0.iteration < $1.iteration }
        let format = ISO8601DateFormatter()
        self.started = format.string(from: started)
        self.finished = format.string(from: finished)
    }
}
