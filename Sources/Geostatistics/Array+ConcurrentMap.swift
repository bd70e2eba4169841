import Foundation

extension Array where Element: Sendable {
    /// `map` with the elements spread over all cores (or in order on this thread, without `parallel`);
    /// results in element order. Every element is transformed; if some threw, the error of the
    /// lowest-index one is rethrown.
    func concurrentMap<T: Sendable>(parallel: Bool = true, _ transform: @Sendable (Element) throws -> T) throws -> [T] {
        guard parallel else { return try map(transform) }
        let results = ConcurrentResults<T>(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { i in
            do {
                results.set(i, .success(try transform(self[i])))
            } catch {
                results.set(i, .failure(error))
            }
        }
        return try results.values.map { try $0!.get() }
    }
}

/// The slots `concurrentMap` fills, one per element, behind a lock.
private final class ConcurrentResults<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<T, Error>?]

    init(count: Int) { slots = Array<Result<T, Error>?>(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<T, Error>) { lock.withLock { slots[index] = result } }

    var values: [Result<T, Error>?] { lock.withLock { slots } }
}
