import XCTest
@testable import Dashboard

/// Dot patterns worked out by hand. Braille bits per cell, dot rows top to bottom:
/// `0x01 0x08` / `0x02 0x10` / `0x04 0x20` / `0x40 0x80`; the character is U+2800 + bits.
final class BrailleChartTests: XCTestCase {
    private func render(_ chart: LineChart, width: Int, height: Int) -> [String] {
        var buffer = CellBuffer(width: width, height: height)
        chart.render(in: buffer.bounds, buffer: &buffer)
        return buffer.lines
    }

    private func bare(_ points: [(Double, Double)], yRange: ClosedRange<Double>? = nil) -> LineChart {
        var chart = LineChart(series: [ChartSeries(points: points.map { ChartPoint(x: $0.0, y: $0.1) },
                                                   color: .role(.trainSmoothed))], yRange: yRange)
        chart.showXLabels = false
        chart.showYLabels = false
        return chart
    }

    private func braille(_ bits: UInt32) -> String { String(Unicode.Scalar(0x2800 + bits)!) }

    func testCanvasBitsFollowTheBrailleBlock() {
        var canvas = BrailleCanvas(columns: 1, rows: 1)
        canvas.setDot(x: 0, y: 0, color: .role(.text))
        canvas.setDot(x: 1, y: 3, color: .role(.text))
        XCTAssertEqual(canvas.pattern(column: 0, row: 0), 0x01 | 0x80)
        XCTAssertEqual(canvas.scalar(column: 0, row: 0), "⢁")
    }

    /// (0,0)…(3,3) on a 2×1-cell canvas (4×4 dots), y range 0…3: dot x = x, dot y = 3 − y, so
    /// the dots are (0,3) (1,2) | (2,1) (3,0): cell 0 = 0x40|0x20, cell 1 = 0x02|0x08.
    func testRisingLineLightsTheDiagonal() {
        let lines = render(bare([(0, 0), (1, 1), (2, 2), (3, 3)], yRange: 0...3), width: 2, height: 1)
        XCTAssertEqual(lines, [braille(0x60) + braille(0x0A)])
        XCTAssertEqual(lines, ["⡠⠊"])
    }

    /// A flat series at 0 gets the axis −1…1 (ticks −1, 0, 1). On 4 rows (16 dot rows) 0 maps
    /// to dot row 15 − round(0.5 × 15) = 7: the bottom dot row of cell row 1 (0x40|0x80 = ⣀).
    /// Labels: "1" on row 0, "0" on row 1 (dot 7), "-1" on row 3 (dot 15).
    func testFlatSeriesSitsMidAxisWithLabels() {
        var chart = bare([(0, 0), (1, 0), (2, 0), (3, 0)])
        chart.showYLabels = true
        let lines = render(chart, width: 8, height: 4)
        XCTAssertEqual(lines, [
            " 1┤     ",
            " 0┤⣀⣀⣀⣀⣀",
            "  │     ",
            "-1┤     ",
        ])
    }

    /// One point at y = 2 in 0…4 on a 2×1 canvas: x range is a single value → left edge (dot
    /// x 0); dot y = 3 − round(0.5 × 3) = 1 → bit 0x02 in cell 0, nothing else.
    func testSinglePointLightsOneDot() {
        XCTAssertEqual(render(bare([(5, 2)], yRange: 0...4), width: 2, height: 1), [braille(0x02) + " "])
    }

    func testSinglePointWithAutomaticRangeLightsExactlyOneDot() {
        let chart = bare([(5, 0.42)])
        guard let geometry = chart.geometry(in: Rect(x: 0, y: 0, width: 6, height: 3)) else {
            return XCTFail("a single finite point must give a chart")
        }
        let canvas = chart.canvas(for: geometry)
        var lit = 0
        for row in 0..<canvas.rows {
            for column in 0..<canvas.columns { lit += canvas.pattern(column: column, row: row).nonzeroBitCount }
        }
        XCTAssertEqual(lit, 1)
    }

    /// (0,0) (1,1) NaN (3,3) in 0…3: the first two are joined (dots (0,3), (1,2) → ⡠), NaN
    /// breaks the line, (3,3) stands alone at dot (3,0) → bit 0x08 in cell 1.
    func testNaNBreaksTheLine() {
        let lines = render(bare([(0, 0), (1, 1), (2, .nan), (3, 3)], yRange: 0...3), width: 2, height: 1)
        XCTAssertEqual(lines, [braille(0x60) + braille(0x08)])
    }

    func testNonFiniteValuesAreLeftOutOfTheRange() {
        let chart = bare([(0, 1), (1, .nan), (2, .infinity), (3, 3)])
        let geometry = chart.geometry(in: Rect(x: 0, y: 0, width: 10, height: 4))
        XCTAssertEqual(geometry?.yDomain.lowerBound, 1)
        XCTAssertEqual(geometry?.yDomain.upperBound, 3)
    }

    func testAllNaNShowsTheEmptyMessage() {
        var chart = bare([(0, .nan), (1, .nan)])
        chart.emptyMessage = "empty"
        let lines = render(chart, width: 9, height: 1)
        XCTAssertEqual(lines, ["  empty  "])
    }

    /// 0 and 1e12 on 2×4 cells: ticks 0, 5e11, 1e12; the line runs from the bottom-left dot
    /// (cell (0,3), bit 0x40) to the top-right dot (cell (1,0), bit 0x08) without gaps.
    func testHugeRangeReachesBothEnds() {
        let chart = bare([(0, 0), (1, 1e12)])
        guard let geometry = chart.geometry(in: Rect(x: 0, y: 0, width: 2, height: 4)) else {
            return XCTFail("expected a chart")
        }
        XCTAssertEqual(geometry.yDomain, 0...1e12)
        XCTAssertEqual(geometry.yScale.ticks, [0, 5e11, 1e12])
        let canvas = chart.canvas(for: geometry)
        XCTAssertEqual(canvas.pattern(column: 0, row: 3) & 0x40, 0x40)
        XCTAssertEqual(canvas.pattern(column: 1, row: 0) & 0x08, 0x08)
        for row in 0..<4 {
            XCTAssertNotEqual(canvas.pattern(column: 0, row: row) | canvas.pattern(column: 1, row: row), 0,
                              "row \(row) should be crossed by the line")
        }
        XCTAssertEqual(geometry.yScale.label(1e12), "1e12")
        XCTAssertEqual(geometry.yScale.label(5e11), "5e11")
    }

    func testRangeNearTheDoubleLimitsStaysFinite() {
        let chart = bare([(0, -1e308), (1, 1e308)])
        guard let geometry = chart.geometry(in: Rect(x: 0, y: 0, width: 2, height: 4)) else {
            return XCTFail("expected a chart")
        }
        XCTAssertTrue(geometry.yDomain.lowerBound.isFinite && geometry.yDomain.upperBound.isFinite)
        let canvas = chart.canvas(for: geometry)
        XCTAssertEqual(canvas.pattern(column: 0, row: 3) & 0x40, 0x40)
        XCTAssertEqual(canvas.pattern(column: 1, row: 0) & 0x08, 0x08)
    }

    /// A marker at x = 0 is a dotted line: dot rows 0 and 2 of column 0 → 0x01|0x04 = ⠅.
    func testMarkerIsADottedVerticalLine() {
        var chart = bare([(0, 3), (3, 3)], yRange: 0...3)
        chart.series = [ChartSeries(points: [ChartPoint(x: 0, y: 10), ChartPoint(x: 3, y: 10)],
                                    color: .role(.text))]
        chart.markers = [ChartMarker(x: 0, color: .role(.marker))]
        let lines = render(chart, width: 2, height: 1)
        // The series is above the range (clamped to the top dot row 0): dots (0..3, 0) → 0x01|0x08 per cell.
        XCTAssertEqual(lines, [braille(0x01 | 0x04 | 0x08) + braille(0x09)])
    }

    /// The 95th percentile cuts a training spike off, but never a series kept in range: a
    /// validation point at 0.64 above training losses of 0.3…0.4 widens the range to reach it.
    func testSeriesKeptInRangeIsNeverClipped() throws {
        let train = (0..<100).map { ChartPoint(x: Double($0), y: $0 == 0 ? 5 : 0.3 + Double($0) / 1000) }
        var chart = LineChart(series: [ChartSeries(points: train, color: .role(.trainRaw))])
        chart.upperQuantile = 0.95
        let area = Rect(x: 0, y: 0, width: 30, height: 10)
        let clipped = try XCTUnwrap(chart.geometry(in: area))
        XCTAssertTrue(clipped.clipped)
        XCTAssertLessThan(clipped.yDomain.upperBound, 0.64)
        chart.series.append(ChartSeries(points: [ChartPoint(x: 50, y: 0.64)], color: .role(.validation),
                                        style: .mark("◆"), keptInRange: true))
        let kept = try XCTUnwrap(chart.geometry(in: area))
        XCTAssertGreaterThanOrEqual(kept.yDomain.upperBound, 0.64)
        XCTAssertLessThan(kept.yDomain.upperBound, 5, "the spike itself stays cut off")
        var buffer = CellBuffer(width: 30, height: 10)
        chart.render(in: buffer.bounds, buffer: &buffer)
        XCTAssertEqual(buffer.lines.joined().filter { $0 == "◆" }.count, 1)
    }

    /// A line over a scatter replaces the scatter's dots in the cells it crosses (a thin line,
    /// not a band): dots at (0,3) then a line along dot row 0 of the same cell → only row 0 lit.
    func testLaterSeriesReplacesEarlierDotsInItsCells() {
        var chart = bare([(0, 0), (1, 0)], yRange: 0...3)
        chart.series = [ChartSeries(points: [ChartPoint(x: 0, y: 0)], color: .role(.trainRaw), style: .dots),
                        ChartSeries(points: [ChartPoint(x: 0, y: 3), ChartPoint(x: 1, y: 3)], color: .role(.trainSmoothed))]
        XCTAssertEqual(render(chart, width: 1, height: 1), [braille(0x01 | 0x08)])
    }

    /// `.dots` does not join its points: two points far apart light two dots, nothing between.
    func testDotsAreNotJoined() {
        var chart = bare([(0, 0)], yRange: 0...3)
        chart.series = [ChartSeries(points: [ChartPoint(x: 0, y: 3), ChartPoint(x: 3, y: 0)], color: .role(.trainRaw),
                                    style: .dots)]
        XCTAssertEqual(render(chart, width: 2, height: 1), [braille(0x01) + braille(0x80)])
    }

    func testXLabelsShowExamplesCompactly() {
        var chart = LineChart(series: [ChartSeries(points: [ChartPoint(x: 0, y: 1), ChartPoint(x: 2_000_000, y: 2)],
                                                   color: .role(.text))])
        chart.showYLabels = false
        let lines = render(chart, width: 40, height: 4)
        XCTAssertTrue(lines[3].hasPrefix("0"), lines[3])
        XCTAssertTrue(lines[3].contains("1M"), lines[3])
        XCTAssertTrue(lines[3].trimmingCharacters(in: .whitespaces).hasSuffix("2M"), lines[3])
    }

    func testNiceScaleTicks() {
        let scale = NiceScale(lower: 0.31, upper: 0.69, maxTicks: 5)
        XCTAssertEqual(scale.step, 0.1, accuracy: 1e-12)
        XCTAssertEqual(scale.lower, 0.3, accuracy: 1e-12)
        XCTAssertEqual(scale.upper, 0.7, accuracy: 1e-12)
        XCTAssertEqual(scale.ticks.map { scale.label($0) }, ["0.3", "0.4", "0.5", "0.6", "0.7"])
    }

    /// Values 0…98 and one spike of 1000: the 95th percentile (nearest rank 94 of 0…99) is 94, so
    /// the axis ends at a nice value near 100 instead of 1000 and the spike sits on the top row.
    func testUpperQuantileKeepsASpikeFromFlatteningTheCurve() {
        var points = (0..<99).map { ChartPoint(x: Double($0), y: Double($0)) }
        points.append(ChartPoint(x: 99, y: 1000))
        var chart = LineChart(series: [ChartSeries(points: points, color: .role(.text))])
        chart.showXLabels = false
        chart.showYLabels = false
        chart.upperQuantile = 0.95
        guard let geometry = chart.geometry(in: Rect(x: 0, y: 0, width: 10, height: 4)) else {
            return XCTFail("expected a chart")
        }
        XCTAssertTrue(geometry.clipped)
        XCTAssertEqual(geometry.yDomain.upperBound, 100)
        let canvas = chart.canvas(for: geometry)
        XCTAssertEqual(canvas.pattern(column: 9, row: 0) & 0x08, 0x08, "spike clamped to the top-right dot")
        chart.upperQuantile = nil
        XCTAssertEqual(chart.geometry(in: Rect(x: 0, y: 0, width: 10, height: 4))?.yDomain.upperBound, 1000)
    }
}
