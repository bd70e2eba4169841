import Dispatch
import Synchronization

/// Runs work items on at most `workers` threads — the share of threads its caller was given (a
/// tile engine's `TileInput.parallelism`), never more — each worker pulling the next item and
/// keeping its own state (a workspace) across the items it takes. One worker runs on the calling
/// thread. Which worker takes an item never changes the item's result.
enum WorkSharing {
    static func run<State>(items: Int, workers: Int, state makeState: @Sendable () -> State,
                           _ body: @Sendable (_ item: Int, _ state: inout State) -> Void) {
        guard items > 0 else { return }
        let workers = max(1, min(workers, items))
        if workers == 1 {
            var state = makeState()
            for item in 0..<items { body(item, &state) }
            return
        }
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var state = makeState()
            while true {
                let item = next.add(1, ordering: .relaxed).oldValue
                guard item < items else { return }
                body(item, &state)
            }
        }
    }

    static func run(items: Int, workers: Int, _ body: @Sendable (_ item: Int) -> Void) {
        run(items: items, workers: workers, state: { () }) { item, _ in body(item) }
    }
}
