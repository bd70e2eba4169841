import CXGBoost

/// A DMatrix of training rows (row-major Float, as XGBoost stores features) with their labels;
/// freed with the value.
final class XGBoostMatrix {
    let handle: DMatrixHandle
    let rows: Int

    init(features: [[Double]], labels: [Double]) throws {
        let columns = features.first?.count ?? 0
        let values = features.flatMap { $0.map(Float.init) }
        var handle: DMatrixHandle?
        try XGBoostCall.check(XGDMatrixCreateFromMat(values, bst_ulong(features.count), bst_ulong(columns), .nan, &handle), "creating the training matrix")
        self.handle = handle!
        rows = features.count
        let floatLabels = labels.map(Float.init)
        try XGBoostCall.check(XGDMatrixSetFloatInfo(self.handle, "label", floatLabels, bst_ulong(floatLabels.count)), "setting the labels")
    }

    deinit { XGDMatrixFree(handle) }
}
