import XCTest
import WideDeep
@testable import Dashboard

/// The steering panel never hides the selected row: at every size the issue names, each row
/// selected in turn (as ↓ moves the cursor) is drawn, marked ▶, and a scroll indicator says
/// when rows are out of view (issue 21, item 10).
final class HyperparameterPanelScrollTests: XCTestCase {
    /// A run with every live hyperparameter there is, then smoothing: ten rows.
    private func everyParameter() -> TrainingSnapshot {
        var s = SnapshotFixtures.running()
        s.hyperparameters = Hyperparameter.allCases.map { HyperparameterValue(parameter: $0, value: 0.5) }
        return s
    }

    func testEverySelectedRowIsOnScreenAtEverySize() throws {
        let snapshot = everyParameter()
        let rows = EditableRow.rows(for: snapshot)
        XCTAssertEqual(rows.count, Hyperparameter.allCases.count + 1)
        for (columns, lines) in [(80, 24), (100, 30), (120, 40), (200, 60)] {
            let terminal = InMemoryTerminal(columns: columns, rows: lines)
            let app = DashboardApp(control: FakeTrainingControl(snapshot: snapshot), terminal: terminal,
                                   themes: ThemeLibrary(), clock: { 0 })
            var everShown = Set<String>()
            for index in rows.indices {
                XCTAssertEqual(app.view.selectedRow, index)
                app.render()
                let panel = try XCTUnwrap(DashboardLayout.compute(for: terminal.size)).hyperparameters
                let text = panelText(terminal, panel)
                let label = rows[index].label
                XCTAssertTrue(text.contains("▶" + label), "\(columns)×\(lines): row \(index) (\(label)) selected but not drawn\n\(text)")
                for row in rows where text.contains(row.label + " ") || text.contains(row.label + "…") {
                    everShown.insert(row.label)
                }
                let capacity = (panel.height - 2) * (DashboardLayout.compute(for: terminal.size)?.hyperparameterColumns ?? 1)
                if rows.count > capacity {
                    XCTAssertTrue(text.contains("of \(rows.count)"), "\(columns)×\(lines): no scroll indicator\n\(text)")
                } else {
                    XCTAssertFalse(text.contains("of \(rows.count)"), "\(columns)×\(lines): indicator with nothing hidden")
                }
                terminal.press(.down)
                app.step()
            }
            XCTAssertEqual(everShown, Set(rows.map(\.label)), "\(columns)×\(lines): some row never came into view")
        }
    }

    /// `+` changes the row the cursor is on, and that row is the one drawn as selected.
    func testPlusChangesTheVisibleSelectedRow() throws {
        let snapshot = everyParameter()
        let control = FakeTrainingControl(snapshot: snapshot)
        let terminal = InMemoryTerminal(columns: 80, rows: 24)
        let app = DashboardApp(control: control, terminal: terminal, themes: ThemeLibrary(), clock: { 0 })
        let rows = EditableRow.rows(for: snapshot)
        let last = rows.count - 2   // the last hyperparameter (smoothing sends nothing)
        for _ in 0..<last { terminal.press(.down) }
        terminal.press(.character("+"))
        while !terminal.pendingEvents.isEmpty { app.step() }
        guard case .set(let parameter, _)? = control.commands.last, case .hyperparameter(let shown) = rows[last] else {
            return XCTFail("no value sent: \(control.commands)")
        }
        XCTAssertEqual(parameter, shown)
        let panel = try XCTUnwrap(DashboardLayout.compute(for: terminal.size)).hyperparameters
        XCTAssertTrue(panelText(terminal, panel).contains("▶" + shown.label), panelText(terminal, panel))
    }

    func testWindowHoldsTheSelectionAndStaysFull() {
        XCTAssertEqual(HyperparameterPanel.window(rowCount: 5, selected: 4, capacity: 6), 0..<5)
        XCTAssertEqual(HyperparameterPanel.window(rowCount: 10, selected: 0, capacity: 6), 0..<6)
        XCTAssertEqual(HyperparameterPanel.window(rowCount: 10, selected: 5, capacity: 6), 0..<6)
        XCTAssertEqual(HyperparameterPanel.window(rowCount: 10, selected: 6, capacity: 6), 4..<10)
        XCTAssertEqual(HyperparameterPanel.window(rowCount: 10, selected: 9, capacity: 6), 4..<10)
        XCTAssertEqual(HyperparameterPanel.window(rowCount: 13, selected: 7, capacity: 3), 6..<9)
    }

    private func panelText(_ terminal: InMemoryTerminal, _ panel: Rect) -> String {
        terminal.lines[panel.y..<panel.maxY].map { String($0.dropFirst(panel.x).prefix(panel.width)) }
            .joined(separator: "\n")
    }
}
