extension Sequence<Int> {
    /// The product of the elements, or nil when it overflows `Int` (sizes read from files).
    public var checkedProduct: Int? {
        var product = 1
        for factor in self {
            let (result, overflow) = product.multipliedReportingOverflow(by: factor)
            if overflow { return nil }
            product = result
        }
        return product
    }
}
