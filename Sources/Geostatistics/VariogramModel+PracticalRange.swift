extension VariogramModel {
    /// The distance at which the structure reaches 95 % of its sill (the spherical model's range
    /// exactly): 3 r for the exponential, √3 r for the Gaussian model, 0 for a pure nugget.
    public var practicalRange: Double {
        switch kind {
        case .nugget: 0
        case .spherical: range
        case .exponential: 3 * range
        case .gaussian: 3.0.squareRoot() * range
        }
    }
}
