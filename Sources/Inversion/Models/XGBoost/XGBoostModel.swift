import Synchronization

/// A trained tree ensemble in XGBoost's JSON format (`xgboost.json` in a model folder, which Python's
/// `xgboost.Booster(model_file=…)` reads), ready to predict from any number of threads: each caller
/// borrows a booster of its own from a pool (boosters are not shared between threads, see
/// `XGBoostBooster`), loaded from the JSON on first need, and predicts with the threads the caller
/// gives it (the tile engine's share for a tile: 1 when every thread has a tile of its own).
public final class XGBoostModel: Sendable {
    /// The model as XGBoost wrote it.
    public let json: [UInt8]
    /// `trainingRun` of the model folder, stored in the model's attributes (`regolith_run`).
    public let trainingRun: String?
    /// The features (columns) each prediction reads.
    public let featureCount: Int
    private let idle: Mutex<[XGBoostBooster]>

    /// The attribute holding the training run (XGBoost keeps attributes in the JSON model).
    static let runAttribute = "regolith_run"

    /// Reads a model in XGBoost's JSON format (`source` names it in errors).
    public init(json: [UInt8], source: String) throws {
        try XGBoostModelCheck.check(json: json)
        let booster = try Self.predictor(json: json, source: source)
        self.json = json
        trainingRun = try booster.attribute(Self.runAttribute)
        featureCount = try booster.featureCount()
        idle = Mutex([booster])
    }

    /// The same trees marked with another training run.
    public func marked(run: String?) throws -> XGBoostModel {
        let booster = try Self.predictor(json: json, source: "the model")
        try booster.setAttribute(Self.runAttribute, run)
        return try XGBoostModel(json: booster.json(), source: "the model")
    }

    private static func predictor(json: [UInt8], source: String) throws -> XGBoostBooster {
        let booster = try XGBoostBooster(json: json, source: source)
        try booster.set("verbosity", "0")
        try booster.use(threads: 1)
        return booster
    }

    /// Runs `body` with a booster no other thread is using.
    func withBooster<T>(_ body: (XGBoostBooster) throws -> T) throws -> T {
        let booster = try idle.withLock { $0.popLast() } ?? Self.predictor(json: json, source: "the model")
        defer { idle.withLock { $0.append(booster) } }
        return try body(booster)
    }

    /// Predictions for rows of features (as Float, like XGBoost's own matrices), from the first
    /// `iterations` rounds (0: all).
    public func predict(_ rows: [[Double]], iterations: Int = 0) throws -> [Double] {
        let columns = rows.first?.count ?? 0
        let values = rows.flatMap { $0.map(Float.init) }
        var output = [Float](repeating: 0, count: rows.count)
        try withBooster { booster in
            try booster.use(threads: 1)
            try values.withUnsafeBufferPointer { v in
                try output.withUnsafeMutableBufferPointer { o in
                    guard let base = v.baseAddress else { return }
                    try booster.predict(rowMajor: base, rows: rows.count, columns: columns, iterations: iterations, into: o.baseAddress!)
                }
            }
        }
        return output.map(Double.init)
    }

    /// Predictions for `count` pixels held band-sequentially (band b of pixel i at `b × bandStride + i`):
    /// the pixels are transposed to rows of features and predicted in one call on `threads` threads.
    public func predict(bandSequential values: UnsafePointer<Float>, bands: Int, bandStride: Int, count: Int, threads: Int = 1,
                        into output: UnsafeMutablePointer<Float>) throws {
        guard count > 0 else { return }
        var rows = [Float](repeating: 0, count: count * bands)
        for b in 0..<bands {
            let band = values + b * bandStride
            for i in 0..<count { rows[i * bands + b] = band[i] }
        }
        try withBooster { booster in
            try booster.use(threads: threads)
            try rows.withUnsafeBufferPointer { try booster.predict(rowMajor: $0.baseAddress!, rows: count, columns: bands, into: output) }
        }
    }
}
