import Foundation

/// QGIS layer styles (`.qml`), written beside a layer under the same name so QGIS applies them when
/// the layer is opened: a raster map drawn as in the report's quick-look (viridis between the same
/// limits, nodata transparent), and the anomaly areas outlined with their ranks as labels.
public enum QGISStyle {
    /// The QGIS version the styles are written for; later versions read them too.
    static let version = "3.22"

    /// A single-band pseudocolour style for `band` of a map: the viridis ramp interpolated between
    /// `ramp.lower` and `ramp.upper` (values outside take the end colours), `nodata` transparent.
    public static func pseudocolour(band: Int = 1, bandName: String, unit: String, ramp: ColourRamp, nodata: Double?) -> String {
        let stops = ColourRamp.viridis.enumerated().map { index, colour -> String in
            let value = ramp.lower + (ramp.upper - ramp.lower) * Double(index) / Double(ColourRamp.viridis.count - 1)
            let label = QuickLook.format(value) + (unit.isEmpty ? "" : " " + unit)
            return "          <item alpha=\"255\" value=\"\(value)\" label=\"\(escaped(label))\" color=\"\(hex(colour))\"/>"
        }
        let gradientStops = ColourRamp.viridis.enumerated().dropFirst().dropLast().map { index, colour in
            "\(Double(index) / Double(ColourRamp.viridis.count - 1));\(rgba(colour))"
        }.joined(separator: ":")
        let transparency = nodata.map {
            "<singleValuePixelList><pixelListEntry min=\"\($0)\" max=\"\($0)\" percentTransparent=\"100\"/></singleValuePixelList>"
        } ?? ""
        let noData = nodata.map {
            """
              <noData>
                <noDataList bandNo="\(band)" useSrcNoData="1">
                  <noDataRange min="\($0)" max="\($0)" bExact="1"/>
                </noDataList>
              </noData>

            """
        } ?? ""
        return """
            <!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
            <qgis version="\(version)" styleCategories="Symbology|CustomProperties">
              <customproperties>
                <Option type="Map">
                  <Option type="QString" name="regolith/band" value="\(escaped(bandName))"/>
                  <Option type="QString" name="regolith/unit" value="\(escaped(unit))"/>
                  <Option type="QString" name="regolith/limits" value="\(ramp.lower) \(ramp.upper)"/>
                </Option>
              </customproperties>
            \(noData)  <pipe>
                <rasterrenderer type="singlebandpseudocolor" band="\(band)" opacity="1" alphaBand="-1" classificationMin="\(ramp.lower)" classificationMax="\(ramp.upper)" nodataColor="">
                  <rasterTransparency>\(transparency)</rasterTransparency>
                  <minMaxOrigin>
                    <limits>None</limits>
                    <extent>WholeRaster</extent>
                    <statAccuracy>Exact</statAccuracy>
                    <cumulativeCutLower>0.02</cumulativeCutLower>
                    <cumulativeCutUpper>0.98</cumulativeCutUpper>
                    <stdDevFactor>2</stdDevFactor>
                  </minMaxOrigin>
                  <rastershader>
                    <colorrampshader colorRampType="INTERPOLATED" classificationMode="1" clip="0" minimumValue="\(ramp.lower)" maximumValue="\(ramp.upper)" labelPrecision="4">
                      <colorramp type="gradient" name="[source]">
                        <Option type="Map">
                          <Option type="QString" name="color1" value="\(rgba(ColourRamp.viridis.first!))"/>
                          <Option type="QString" name="color2" value="\(rgba(ColourRamp.viridis.last!))"/>
                          <Option type="QString" name="discrete" value="0"/>
                          <Option type="QString" name="rampType" value="gradient"/>
                          <Option type="QString" name="stops" value="\(gradientStops)"/>
                        </Option>
                      </colorramp>
            \(stops.joined(separator: "\n"))
                    </colorrampshader>
                  </rastershader>
                </rasterrenderer>
                <brightnesscontrast brightness="0" contrast="0" gamma="1"/>
                <huesaturation saturation="0" grayscaleMode="0" colorizeOn="0" colorizeStrength="100" colorizeRed="255" colorizeGreen="128" colorizeBlue="128"/>
                <rasterresampler maxOversampling="2"/>
              </pipe>
              <blendMode>0</blendMode>
            </qgis>

            """
    }

    /// The anomaly areas: red outlines, no fill, each labelled with `rankField` at its centre.
    public static func outlinedAreas(rankField: String = "rank") -> String {
        let properties: [(String, String)] = [
            ("color", "0,0,0,0"), ("style", "no"), ("outline_color", "230,30,30,255"), ("outline_style", "solid"),
            ("outline_width", "0.6"), ("outline_width_unit", "MM"), ("joinstyle", "miter"),
        ]
        // Both spellings of symbol-layer properties: `Option` (QGIS ≥ 3.26) and `prop` (earlier).
        let options = properties.map { "            <Option type=\"QString\" name=\"\($0.0)\" value=\"\($0.1)\"/>" }.joined(separator: "\n")
        let props = properties.map { "          <prop k=\"\($0.0)\" v=\"\($0.1)\"/>" }.joined(separator: "\n")
        return """
            <!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
            <qgis version="\(version)" styleCategories="Symbology|Labeling" labelsEnabled="1">
              <renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0">
                <symbols>
                  <symbol type="fill" name="0" alpha="1" clip_to_extent="1" force_rhr="0">
                    <layer class="SimpleFill" enabled="1" pass="0" locked="0">
                      <Option type="Map">
            \(options)
                      </Option>
            \(props)
                    </layer>
                  </symbol>
                </symbols>
              </renderer-v2>
              <labeling type="simple">
                <settings calloutType="simple">
                  <text-style fieldName="\(escaped(rankField))" isExpression="0" fontSize="10" fontSizeUnit="Point" fontWeight="75" fontFamily="Sans Serif" textColor="230,30,30,255" textOpacity="1" namedStyle="Bold">
                    <text-buffer bufferDraw="1" bufferSize="1" bufferSizeUnits="MM" bufferColor="255,255,255,255" bufferOpacity="1" bufferJoinStyle="128" bufferNoFill="1"/>
                  </text-style>
                  <text-format wrapChar="" multilineAlign="0" plussign="0" formatNumbers="0" decimals="0"/>
                  <placement placement="1" offsetType="0" dist="0" quadOffset="4" centroidInside="1" centroidWhole="0" fitInPolygonOnly="0" priority="5"/>
                  <rendering obstacle="1" displayAll="1" upsidedown="0" drawLabels="1" scaleVisibility="0" limitNumLabels="0" mergeLines="0" obstacleType="1" zIndex="0"/>
                </settings>
              </labeling>
              <blendMode>0</blendMode>
              <featureBlendMode>0</featureBlendMode>
            </qgis>

            """
    }

    private static func rgba(_ colour: SIMD3<Double>) -> String {
        "\(Int(colour.x)),\(Int(colour.y)),\(Int(colour.z)),255"
    }

    private static func hex(_ colour: SIMD3<Double>) -> String {
        String(format: "#%02x%02x%02x", Int(colour.x), Int(colour.y), Int(colour.z))
    }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
