import WideDeep

/// Draws a whole frame from a snapshot and the view state. Pure: the same inputs give the same
/// cells, which is what the frame tests rely on.
public enum DashboardView {
    /// Every key binding, for the help overlay.
    public static let helpEntries: [(keys: String, action: String)] =
        KeyBinding.all.map { ($0.helpKeys, $0.helpAction) }

    public static func render(snapshot: TrainingSnapshot, view: ViewState, into buffer: inout CellBuffer) {
        let size = TerminalSize(columns: buffer.width, rows: buffer.height)
        guard let layout = DashboardLayout.compute(for: size) else {
            TooSmallScreen(size: size).render(buffer: &buffer)
            return
        }
        buffer.fill(buffer.bounds)
        StatusBarPanel(snapshot: snapshot, connectionNote: view.connectionNote).render(in: layout.status, buffer: &buffer)
        let rows = EditableRow.rows(for: snapshot)
        if snapshot.state == .loading {
            let upper = Rect(x: layout.body.x, y: layout.body.y, width: layout.body.width,
                             height: layout.hyperparameters.y - layout.body.y)
            LoadingPanel(snapshot: snapshot).render(in: upper, buffer: &buffer)
        } else {
            LossPanel(snapshot: snapshot, smoothing: view.smoothing, rawAsMarks: view.fewColors)
                .render(in: layout.loss, buffer: &buffer)
            ValidationPanel(snapshot: snapshot).render(in: layout.validation, buffer: &buffer)
            WidePanel(snapshot: snapshot).render(in: layout.wide, buffer: &buffer)
            DeepPanel(snapshot: snapshot).render(in: layout.deep, buffer: &buffer)
        }
        HyperparameterPanel(snapshot: snapshot, view: view, rows: rows,
                            columns: layout.hyperparameterColumns).render(in: layout.hyperparameters, buffer: &buffer)
        EventsPanel(snapshot: snapshot, view: view).render(in: layout.events, buffer: &buffer)
        FooterPanel(view: view).render(in: layout.footer, buffer: &buffer)
        if view.mode == .help {
            HelpOverlay(entries: helpEntries).render(in: layout.body, buffer: &buffer)
        }
    }
}
