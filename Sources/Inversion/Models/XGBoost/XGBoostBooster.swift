import CXGBoost
import Foundation

/// One XGBoost booster handle, freed with the value. XGBoost 1.7 documents no thread safety for
/// prediction on a shared booster (its result buffer is the booster's), so a booster is used by one
/// thread at a time: `XGBoostModel` keeps a pool, one per concurrent caller.
final class XGBoostBooster: @unchecked Sendable {
    let handle: BoosterHandle
    /// Its `nthread` when set through `use(threads:)`.
    private var threads: Int?

    /// A booster to train on `matrix`.
    init(training matrix: XGBoostMatrix) throws {
        var handle: BoosterHandle?
        var matrices: [DMatrixHandle?] = [matrix.handle]
        try XGBoostCall.check(XGBoosterCreate(&matrices, 1, &handle), "creating a booster")
        self.handle = handle!
    }

    /// A booster read from a model in XGBoost's JSON format; `source` names it in errors.
    init(json: [UInt8], source: String) throws {
        var handle: BoosterHandle?
        try XGBoostCall.check(XGBoosterCreate(nil, 0, &handle), "creating a booster")
        self.handle = handle!
        try XGBoostCall.check(XGBoosterLoadModelFromBuffer(self.handle, json, bst_ulong(json.count)), "\(source): loading the model")
    }

    deinit { XGBoosterFree(handle) }

    func set(_ name: String, _ value: String) throws {
        try XGBoostCall.check(XGBoosterSetParam(handle, name, value), "setting \(name) = \(value)")
    }

    /// Sets `nthread` when it differs from the last call's.
    func use(threads: Int) throws {
        guard threads != self.threads else { return }
        try set("nthread", "\(threads)")
        self.threads = threads
    }

    func boost(iteration: Int, on matrix: XGBoostMatrix) throws {
        try XGBoostCall.check(XGBoosterUpdateOneIter(handle, Int32(iteration), matrix.handle), "boosting round \(iteration + 1)")
    }

    /// The model in XGBoost's JSON format, as `xgboost.Booster.save_model("….json")` writes it.
    func json() throws -> [UInt8] {
        var length: bst_ulong = 0
        var bytes: UnsafePointer<CChar>?
        try XGBoostCall.check(XGBoosterSaveModelToBuffer(handle, #"{"format": "json"}"#, &length, &bytes), "saving the model")
        return UnsafeRawBufferPointer(start: bytes, count: Int(length)).map { $0 }
    }

    /// The number of features the model was trained on.
    func featureCount() throws -> Int {
        var count: bst_ulong = 0
        try XGBoostCall.check(XGBoosterGetNumFeature(handle, &count), "reading the number of features")
        return Int(count)
    }

    func setAttribute(_ key: String, _ value: String?) throws {
        try XGBoostCall.check(XGBoosterSetAttr(handle, key, value), "setting attribute \(key)")
    }

    func attribute(_ key: String) throws -> String? {
        var value: UnsafePointer<CChar>?
        var found: Int32 = 0
        try XGBoostCall.check(XGBoosterGetAttr(handle, key, &value, &found), "reading attribute \(key)")
        return found != 0 ? value.map { String(cString: $0) } : nil
    }

    /// Predicts `rows` × `columns` row-major features into `output` (`rows` values), from the
    /// first `iterations` boosting rounds (0: all), with missing values as NaN.
    func predict(rowMajor features: UnsafePointer<Float>, rows: Int, columns: Int, iterations: Int = 0, into output: UnsafeMutablePointer<Float>) throws {
        guard rows > 0 else { return }
        let array = #"{"data": [\#(UInt(bitPattern: features)), true], "shape": [\#(rows), \#(columns)], "typestr": "<f4", "version": 3}"#
        let config = #"{"type": 0, "training": false, "iteration_begin": 0, "iteration_end": \#(iterations), "strict_shape": false, "missing": NaN, "cache_id": 0}"#
        var shape: UnsafePointer<bst_ulong>?
        var dimensions: bst_ulong = 0
        var result: UnsafePointer<Float>?
        try XGBoostCall.check(XGBoosterPredictFromDense(handle, array, config, nil, &shape, &dimensions, &result), "predicting")
        let count = (0..<Int(dimensions)).reduce(1) { $0 * Int(shape![$1]) }
        guard count == rows, let result else { throw InversionError("XGBoost: predicting \(rows) rows gave \(count) values") }
        output.update(from: result, count: rows)
    }
}
