import Foundation

/// A value computed on first use, once, by whichever thread asks first (the others wait for it), then
/// shared: a reference, so copies of the struct holding it share the value too.
final class Lazy<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value?

    func value(_ make: () -> Value) -> Value {
        lock.withLock {
            if let stored { return stored }
            let made = make()
            stored = made
            return made
        }
    }
}
