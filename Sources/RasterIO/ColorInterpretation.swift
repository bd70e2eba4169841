import CGDAL

/// How GIS programs should draw a band (GDAL's colour interpretation).
public enum ColorInterpretation: Sendable, Equatable {
    case undefined, gray, red, green, blue, alpha, palette

    var gdal: GDALColorInterp {
        switch self {
        case .undefined: GCI_Undefined
        case .gray: GCI_GrayIndex
        case .red: GCI_RedBand
        case .green: GCI_GreenBand
        case .blue: GCI_BlueBand
        case .alpha: GCI_AlphaBand
        case .palette: GCI_PaletteIndex
        }
    }

    init(_ value: GDALColorInterp) {
        switch value {
        case GCI_GrayIndex: self = .gray
        case GCI_RedBand: self = .red
        case GCI_GreenBand: self = .green
        case GCI_BlueBand: self = .blue
        case GCI_AlphaBand: self = .alpha
        case GCI_PaletteIndex: self = .palette
        default: self = .undefined
        }
    }
}
