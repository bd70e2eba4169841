/// Where the engine reads a scene from: a raster file, or a raster GDAL computes on the fly (an
/// orthorectifying warped VRT). Each reading thread opens a handle of its own through `open`.
public struct RasterSource: Sendable {
    /// The file the pixels come from, for messages and for recognising a resumed run's input.
    public let path: String
    /// What is read besides the file's own pixels (e.g. "orthorectified … with DEM …"); empty for a file read as it is.
    public let derivation: String
    /// Default-domain metadata every output made from it records (e.g. how it was orthorectified).
    public let metadata: [(key: String, value: String)]
    /// The other files the pixels are made from (a DEM, the PAN of a pan-sharpened view), by role:
    /// a resumed run must find them unchanged, as it finds `path`.
    public let auxiliaryFiles: [(role: String, path: String)]
    private let opener: @Sendable () throws -> Raster

    public init(path: String, derivation: String, metadata: [(key: String, value: String)] = [],
                auxiliaryFiles: [(role: String, path: String)] = [], open: @escaping @Sendable () throws -> Raster) {
        self.path = path
        self.derivation = derivation
        self.metadata = metadata
        self.auxiliaryFiles = auxiliaryFiles
        self.opener = open
    }

    /// A raster file, read as it is.
    public static func file(_ path: String) -> RasterSource {
        RasterSource(path: path, derivation: "") { try Raster.open(path) }
    }

    /// A new handle, for one thread at a time.
    public func open() throws -> Raster { try opener() }
}
