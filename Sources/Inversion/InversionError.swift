/// A problem with the method's inputs, described in one line that starts with the file it concerns.
public struct InversionError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
