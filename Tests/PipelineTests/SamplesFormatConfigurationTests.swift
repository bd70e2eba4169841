import Inversion
import Pipeline
import Testing

/// The samples CSV's layout in the run's YAML: the same choices as `--delimiter`, `--x-column` and
/// `--y-column`, decoded strictly.
@Suite struct SamplesFormatConfigurationTests {
    static let minimal = "scene: s.tiff\nsamples: s.csv\n"

    @Test func delimiterAndCoordinateColumnsDecode() throws {
        let c = try RunConfiguration.decode(Self.minimal + "delimiter: tab\nx_column: E_2000\ny_column: N_2000\n", file: "c.yml")
        #expect(c.samplesFormat == SampleTableFormat(delimiter: .tab, xColumn: "E_2000", yColumn: "N_2000"))
        #expect(try RunConfiguration.decode(Self.minimal + "delimiter: \";\"\n", file: "c.yml").samplesFormat.delimiter == .semicolon)
        #expect(try RunConfiguration.decode(Self.minimal, file: "c.yml").samplesFormat == SampleTableFormat())
    }

    @Test(arguments: [
        ("delimiter: \"|\"", "c.yml: delimiter: '|' is not a delimiter: give \",\", \";\" or tab"),
        ("x_column: E", "c.yml: x_column: give x_column and y_column together, or neither"),
        ("x_colum: E", "c.yml: x_colum: unknown key; did you mean 'x_column'?"),
    ])
    func mistakesNameTheFileAndKey(line: String, expected: String) {
        #expect {
            try RunConfiguration.decode(Self.minimal + line + "\n", file: "c.yml")
        } throws: { error in
            (error as? ConfigurationError)?.description.hasPrefix(expected) == true
        }
    }
}
