import Foundation

/// `validation.json` in a model folder: the validations `train` ran, and the training run the
/// folder's other files carry (`Model.trainingRun`).
public struct ValidationFile: Codable, Sendable, Equatable {
    public static let fileName = "validation.json"

    public var run: String?
    public var validations: [ValidationResult]

    public init(run: String?, validations: [ValidationResult]) {
        self.run = run
        self.validations = validations
    }

    public func save(to folder: String) throws {
        try AtomicTextFile.writeJSON(self, to: (folder as NSString).appendingPathComponent(Self.fileName))
    }

    /// Reads `path`; a file of earlier versions (the bare list of validations) reads with no run.
    public static func load(_ path: String) throws -> ValidationFile {
        guard let data = FileManager.default.contents(atPath: path) else { throw InversionError("\(path): cannot read the file") }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            return try decoder.decode(ValidationFile.self, from: data)
        } catch {
            guard let list = try? decoder.decode([ValidationResult].self, from: data) else {
                throw InversionError("\(path): not a validation.json written by `regolith train` (\(error))")
            }
            return ValidationFile(run: nil, validations: list)
        }
    }
}
