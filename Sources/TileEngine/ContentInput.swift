/// An input besides the scene that shapes a kernel's pixels (a model folder, a sample table),
/// identified by the digest of its content. A resumed run compares digests role by role, so the
/// refusal can say which input changed.
public struct ContentInput: Codable, Equatable, Sendable {
    /// What the input is to the kernel, e.g. "model" or "samples": inputs are matched by it.
    public var role: String
    /// Where it was read from, for messages.
    public var source: String
    /// `ContentDigest` of what the kernel uses of it.
    public var digest: String

    public init(role: String, source: String, digest: String) {
        self.role = role
        self.source = source
        self.digest = digest
    }

    /// "the model (model/)".
    public var name: String { "the \(role) (\(source))" }

    /// The first of `inputs` whose content differs from (or is missing in) `earlier`, a previous run's.
    public static func firstChanged(_ inputs: [ContentInput], from earlier: [ContentInput]) -> ContentInput? {
        inputs.first { input in earlier.first(where: { $0.role == input.role })?.digest != input.digest }
    }
}
