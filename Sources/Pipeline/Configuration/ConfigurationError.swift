/// A configuration problem, in one line that names the file (when known), the key path and what is
/// wrong, e.g. `survey.yml: model.iteratons: unknown key; did you mean 'iterations'?`.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public var file: String?
    /// Dotted key path, e.g. `validation.folds`; empty for the document itself.
    public var key: String
    public var problem: String

    public init(file: String? = nil, key: String, _ problem: String) {
        self.file = file
        self.key = key
        self.problem = problem
    }

    public var description: String {
        [file, key.isEmpty ? nil : key, problem].compactMap { $0 }.joined(separator: ": ")
    }

    func inFile(_ file: String) -> ConfigurationError {
        var located = self
        located.file = file
        return located
    }
}
