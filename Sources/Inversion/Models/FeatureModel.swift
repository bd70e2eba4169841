import NeuralNet

/// A model that reads each pixel's band values as a row of features (MLR, PLS, gradient-boosted
/// trees), with what it needs to map: its bands, target and radiometry, and its training run.
public struct FeatureModel: Sendable {
    public enum Predictor: Sendable {
        /// y = intercept + Σⱼ coefficientsⱼ · (xⱼ − meanⱼ) / sdⱼ, or on xⱼ as they are without a scaling.
        case linear(intercept: Double, coefficients: [Double], scaling: FeatureScaling?)
        /// A tree ensemble, with the hyperparameters it was trained with when known.
        case trees(XGBoostModel, XGBoostRegression.Hyperparameters?)
    }

    public var kind: ModelKind
    /// The features, in order: the scene bands (names and numbers) the model reads, or with a
    /// feature stack its features (`FeatureStack.descriptors`).
    public var bands: [BandDescriptor]
    /// The covariates, terrain derivatives, indices and focal means it reads besides scene bands (nil: scene bands only).
    public var features: FeatureStack?
    public var target: TargetDescriptor
    /// The radiometry of the band values it was trained on.
    public var radiometry: InputRadiometry
    /// The `train` run that wrote the model folder (see `Model.trainingRun`).
    public var trainingRun: String?
    public var predictor: Predictor
    /// One line on what was learnt (`FittedRegression.summary`).
    public var summary: String

    public init(kind: ModelKind, bands: [BandDescriptor], target: TargetDescriptor, radiometry: InputRadiometry,
                predictor: Predictor, summary: String, features: FeatureStack? = nil) throws {
        if let features, features.featureNames != bands.map(\.name) {
            throw InversionError("a \(kind.rawValue) model's features \(features.featureNames.joined(separator: ", ")) are not its bands \(bands.map(\.name).joined(separator: ", "))")
        }
        self.features = features
        let features: Int
        switch predictor {
        case let .linear(_, coefficients, scaling):
            features = coefficients.count
            if let scaling, scaling.mean.count != features || scaling.sd.count != features {
                throw InversionError("a \(kind.rawValue) model's scaling has \(scaling.mean.count) means and \(scaling.sd.count) deviations for \(features) coefficients")
            }
        case let .trees(model, _): features = model.featureCount
        }
        guard kind != .cnn, features == bands.count, !bands.isEmpty else {
            throw InversionError("a \(kind.rawValue) model reading \(features) feature(s) cannot map \(bands.count) band(s)")
        }
        (self.kind, self.bands, self.target, self.radiometry, self.predictor, self.summary) = (kind, bands, target, radiometry, predictor, summary)
    }

    /// A fitted MLR, PLS or XGBoost regression (whose features are `bands`, or `features`'s when
    /// given) as a model that maps.
    public init(fitted: any FittedRegression, bands: [BandDescriptor], target: TargetDescriptor, radiometry: InputRadiometry,
                features: FeatureStack? = nil) throws {
        let bands = features?.descriptors ?? bands
        switch fitted {
        case let mlr as LinearRegression.Fitted:
            try self.init(kind: .mlr, bands: bands, target: target, radiometry: radiometry,
                          predictor: .linear(intercept: mlr.intercept, coefficients: mlr.coefficients, scaling: nil), summary: fitted.summary,
                          features: features)
        case let pls as PartialLeastSquares.Fitted:
            try self.init(kind: .pls, bands: bands, target: target, radiometry: radiometry,
                          predictor: .linear(intercept: pls.targetMean, coefficients: pls.coefficients, scaling: pls.scaling), summary: fitted.summary,
                          features: features)
        case let trees as XGBoostRegression.Fitted:
            try self.init(kind: .xgboost, bands: bands, target: target, radiometry: radiometry,
                          predictor: .trees(trees.model, trees.hyperparameters), summary: fitted.summary, features: features)
        default:
            throw InversionError("\(type(of: fitted)) is not a feature model (MLR, PLS or XGBoost)")
        }
    }

    /// The linear predictor on raw band values: the scaling folded into the coefficients.
    private static func folded(intercept: Double, coefficients: [Double], scaling: FeatureScaling?) -> (intercept: Double, coefficients: [Double]) {
        guard let scaling else { return (intercept, coefficients) }
        let raw = coefficients.indices.map { coefficients[$0] / scaling.sd[$0] }
        return (coefficients.indices.reduce(intercept) { $0 - raw[$1] * scaling.mean[$1] }, raw)
    }

    /// Predictions for rows of band values (the validation's and the tests' reference).
    public func predict(_ rows: [[Double]]) throws -> [Double] {
        switch predictor {
        case let .linear(intercept, coefficients, scaling):
            return rows.map { row in
                row.indices.reduce(intercept) { sum, j in sum + coefficients[j] * (scaling.map { (row[j] - $0.mean[j]) / $0.sd[j] } ?? row[j]) }
            }
        case let .trees(model, _): return try model.predict(rows)
        }
    }

    /// Predictions for `count` pixels held band-sequentially (band b of pixel i at `b × bandStride + i`),
    /// in batches: the linear map band by band over all pixels (accumulated in Double), the trees in one
    /// XGBoost call on up to `threads` threads.
    public func predict(bandSequential values: UnsafePointer<Float>, bandStride: Int, count: Int, threads: Int = 1,
                        into output: UnsafeMutablePointer<Float>) throws {
        switch predictor {
        case let .linear(intercept, coefficients, scaling):
            let (a, b) = Self.folded(intercept: intercept, coefficients: coefficients, scaling: scaling)
            var sum = [Double](repeating: a, count: count)
            for band in b.indices {
                let c = b[band], plane = values + band * bandStride
                for i in 0..<count { sum[i] += c * Double(plane[i]) }
            }
            for i in 0..<count { output[i] = Float(sum[i]) }
        case let .trees(model, _):
            try model.predict(bandSequential: values, bands: bands.count, bandStride: bandStride, count: count, threads: threads, into: output)
        }
    }
}
