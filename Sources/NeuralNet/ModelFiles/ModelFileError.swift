/// A model file Regolith cannot use; `description` is one line naming the file and the problem.
public struct ModelFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let problem: String

    public init(file: String, problem: String) {
        self.file = file
        self.problem = problem
    }

    public var description: String { "\(file): \(problem)" }
}
