import WideDeep

/// The hyperparameter panel's editing: the selection, `+`/`-` scaling, the typed-value line and
/// the checks a new value must pass. It changes only the view state it is given and returns the
/// command to send and the footer line, so it needs no terminal, control or clock.
struct HyperparameterEditor {
    /// The run as last read; its state decides whether values may change at all.
    let snapshot: TrainingSnapshot

    /// Longest typed value: enough for any number, short enough for the panel's line.
    static let maxTypedLength = 32
    /// Seconds a sent value stays pending when the run does not show it (a refusal, a lost command).
    static let pendingTimeout = 3.0

    var rows: [EditableRow] { EditableRow.rows(for: snapshot) }

    func selectedRow(in view: ViewState) -> EditableRow {
        let rows = rows
        return rows[min(max(0, view.selectedRow), rows.count - 1)]
    }

    /// Whether changing the selected row sends the run a command (smoothing is the dashboard's own).
    func editingSendsCommand(in view: ViewState) -> Bool {
        selectedRow(in: view) != .smoothing
    }

    /// Moves the selection, wrapping around at both ends.
    func moveSelection(by delta: Int, in view: inout ViewState) {
        let count = rows.count
        view.selectedRow = ((view.selectedRow + delta) % count + count) % count
    }

    /// Multiplies the selected value by `factor`, starting from a value already sent but not yet
    /// shown. Smoothing scales its distance to 1 instead, so `+` creeps towards 0.999 and `-`
    /// towards 0, clamped to its range; a hyperparameter outside its range is refused.
    func scaleSelected(by factor: Double, in view: inout ViewState) -> KeyReaction {
        let row = selectedRow(in: view)
        if let refusal = refusalToChange(row) { return refusal }
        guard let current = baseValue(row, in: view) else { return .none }
        if row == .smoothing {
            let remaining = (1 - current) / factor
            return apply(min(Smoothing.range.upperBound, max(0, 1 - remaining)), to: row, in: &view)
        }
        guard current != 0 else {
            return .message("\(row.label) is 0, which no factor changes: press Enter to type a value", .warning)
        }
        return apply(current * factor, to: row, in: &view)
    }

    /// Opens the typed-value line for the selected row.
    func startTyping(in view: inout ViewState) -> KeyReaction {
        let row = selectedRow(in: view)
        if let refusal = refusalToChange(row) { return refusal }
        view.mode = .editing(row, text: "")
        return .none
    }

    /// A key while the typed-value line is open: Enter applies, Esc cancels, Backspace deletes.
    func type(_ key: Key, in view: inout ViewState) -> KeyReaction {
        guard case .editing(let row, let text) = view.mode else { return .none }
        switch key {
        case .escape:
            view.mode = .normal
            return .message("edit cancelled", .info)
        case .enter:
            view.mode = .normal
            let typed = text.trimmingWhitespace()
            guard let value = Double(typed), value.isFinite else {
                return .message("not a number: '\(typed)' — \(row.label) unchanged", .error)
            }
            return apply(value, to: row, in: &view)
        case .backspace, .delete:
            view.mode = .editing(row, text: String(text.dropLast()))
        case .character(let character) where text.count < Self.maxTypedLength && !character.isNewline:
            view.mode = .editing(row, text: text + String(character))
        default:
            break
        }
        return .none
    }

    /// Drops pending values the run has applied (or not shown within `pendingTimeout`) and keeps
    /// the selection on a row that exists.
    func settle(_ view: inout ViewState, now: Double) {
        for (parameter, pending) in view.pending {
            let live = snapshot.value(of: parameter)
            let applied = live.map { abs($0 - pending.value) <= 1e-12 * max(1, abs(pending.value)) } ?? false
            if applied || now - pending.sentAt > Self.pendingTimeout { view.pending[parameter] = nil }
        }
        view.selectedRow = min(view.selectedRow, rows.count - 1)
    }

    /// Hyperparameters of a run that has ended cannot change (smoothing always can).
    private func refusalToChange(_ row: EditableRow) -> KeyReaction? {
        guard row != .smoothing, [.finished, .failed].contains(snapshot.state) else { return nil }
        return .message("the run has ended: \(row.label) can no longer change", .warning)
    }

    private func baseValue(_ row: EditableRow, in view: ViewState) -> Double? {
        switch row {
        case .smoothing: view.smoothing
        case .hyperparameter(let parameter): view.pending[parameter]?.value ?? snapshot.value(of: parameter)
        }
    }

    /// Smoothing changes here; a hyperparameter goes to the run with `.set`. Refused values
    /// change nothing and say why.
    private func apply(_ value: Double, to row: EditableRow, in view: inout ViewState) -> KeyReaction {
        switch row {
        case .smoothing:
            guard Smoothing.range.contains(value) else {
                return .message("smoothing must be in 0…0.999, got \(Format.number(value)) — unchanged", .error)
            }
            view.smoothing = (value * 1000).rounded() / 1000
            return .message("smoothing \(Format.fixed(view.smoothing, 3))", .info)
        case .hyperparameter(let parameter):
            if let problem = parameter.validate(value) { return .message(problem + " — unchanged", .error) }
            return .send(.set(parameter, value), "\(parameter.label) → \(Format.number(value)) (applies at the next minibatch)",
                         until: [.hyperparameter, .error])
        }
    }
}
