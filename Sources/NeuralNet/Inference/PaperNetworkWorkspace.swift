/// Per-thread scratch memory for `PaperNetworkPlan.predict`: the plan streams pixels through the
/// whole network 16 (or 2 × 16) at a time, so the workspace has a fixed size (12 KB, L1-resident) whatever the
/// batch. Allocate one per worker thread and reuse it for every call; never share one between
/// threads at the same time (it is deliberately not `Sendable`).
public final class PaperNetworkWorkspace {
    /// Conv1 output after pooling: 4 spatial positions × 16 channels, position order 00, 01, 11, 10.
    let pooled1: UnsafeMutablePointer<SIMD16<Float>>
    /// Conv2 output after max-pool, bias and ReLU: 32 features.
    let pooled2: UnsafeMutablePointer<SIMD16<Float>>
    /// The same for the second group of a pair (`PaperNetworkPlan.predictPair`).
    let secondPooled1: UnsafeMutablePointer<SIMD16<Float>>
    let secondPooled2: UnsafeMutablePointer<SIMD16<Float>>

    static let vectorCount = 2 * (64 + 32)

    public init() {
        let storage = UnsafeMutablePointer<SIMD16<Float>>.allocate(capacity: Self.vectorCount)
        storage.initialize(repeating: .zero, count: Self.vectorCount)
        pooled1 = storage
        pooled2 = storage + 64
        secondPooled1 = storage + 96
        secondPooled2 = storage + 160
    }

    deinit { pooled1.deallocate() }
}
