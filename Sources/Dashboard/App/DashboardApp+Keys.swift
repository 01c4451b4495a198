import WideDeep

/// Key handling in each interaction mode; the normal mode's keys come from `KeyBinding.all`.
extension DashboardApp {
    /// Handles one key press.
    public func handle(key: Key) {
        guard outcome == nil else { return }
        lastSnapshot = control.snapshot
        if key == Key.controlC {
            handle(.interrupt)
            return
        }
        switch view.mode {
        case .confirmQuit(let canSave):
            answerQuit(key, canSave: canSave)
        case .confirmDetach:
            answerDetach(key)
        case .help:
            view.mode = .normal
        case .editing(let row, let text):
            handleEditing(key, row: row, text: text)
        case .normal:
            view.message = nil
            handleNormal(key)
        }
    }

    private func handleNormal(_ key: Key) {
        if options.attached, key == .character("d") {
            detach()
            return
        }
        guard let action = KeyBinding.action(for: key) else { return }
        if sendsCommand(action), let refusal = commandRefusal {
            show(refusal, .warning)
            return
        }
        switch action {
        case .togglePause: togglePause()
        case .moveSelection(let delta): moveSelection(by: delta)
        case .scaleSelected(let factor):
            if runCanChange(selectedRow) { adjustSelected(by: factor) }
        case .editSelected:
            if runCanChange(selectedRow) { view.mode = .editing(selectedRow, text: "") }
        case .saveCheckpoint:
            control.send(.saveCheckpoint, from: .keyboard)
            show("saving a checkpoint…", until: [.checkpoint, .error])
        case .evaluateNow:
            control.send(.evaluateNow, from: .keyboard)
            show("evaluating on the validation data…", until: [.evaluation, .error])
        case .nextTheme: nextTheme()
        case .rollBack: rollBack()
        case .showHelp: view.mode = .help
        case .scrollEvents(let lines):
            let count = EventLog.lines(EventsPanel(snapshot: lastSnapshot, view: view).events).count
            view.eventsScroll = min(max(0, view.eventsScroll + lines), count)
        case .scrollEventsToNewest: view.eventsScroll = 0
        case .quit: requestQuit()
        }
    }

    private func togglePause() {
        switch lastSnapshot.state {
        case .paused:
            control.send(.resume, from: .keyboard)
            show("resuming…", until: [.state, .info])
        case .running, .evaluating, .saving:
            control.send(.pause, from: .keyboard)
            show("pausing after this minibatch…", until: [.state])
        case .loading:
            show("still loading data; pause once training has started", .warning)
        case .diverged:
            show("the run diverged: r rolls back to the last good state", .warning)
        case .finished:
            show("the run has finished; q quits", .info)
        case .failed:
            show("the run failed; q quits", .warning)
        }
    }

    /// Whether the key's action would send the run a command (changing smoothing does not).
    private func sendsCommand(_ action: KeyAction) -> Bool {
        switch action {
        case .togglePause, .saveCheckpoint, .evaluateNow, .rollBack: true
        case .scaleSelected, .editSelected: selectedRow != .smoothing
        default: false
        }
    }

    /// Hyperparameters of a run that has ended cannot change (smoothing always can).
    private func runCanChange(_ row: EditableRow) -> Bool {
        guard row != .smoothing else { return true }
        switch lastSnapshot.state {
        case .finished, .failed:
            show("the run has ended: \(row.label) can no longer change", .warning)
            return false
        default:
            return true
        }
    }

    /// Quits at once when nothing would be lost; otherwise asks. A run that has ended without a
    /// checkpoint folder quits at once too: there is nothing left to decide.
    func requestQuit() {
        if options.attached {
            requestDetach()
            return
        }
        let s = lastSnapshot
        let canSave = s.checkpointDirectory != nil && [.running, .paused, .evaluating, .saving].contains(s.state)
        let ended = [.finished, .failed].contains(s.state)
        if !s.hasUnsavedProgress || (ended && !canSave) {
            finishByUser()
        } else {
            view.mode = .confirmQuit(canSave: canSave)
        }
    }

    /// With a checkpoint folder: s saves and quits, d quits without saving. Without one: y quits.
    /// Anything else cancels.
    private func answerQuit(_ key: Key, canSave: Bool) {
        view.mode = .normal
        let answer = if case .character(let character) = key { character.lowercased() } else { "" }
        switch (answer, canSave) {
        case ("s", true): finishByUser(saving: true)
        case ("d", true), ("y", false): finishByUser(saving: false)
        default: show("quit cancelled", .info)
        }
    }

    private func rollBack() {
        guard lastSnapshot.state == .diverged else {
            show("nothing to roll back: r works after the run has DIVERGED", .warning)
            return
        }
        guard lastSnapshot.canRollBack else {
            show("no good state was kept before the divergence: nothing to roll back to", .warning)
            return
        }
        control.send(.rollBack, from: .keyboard)
        show("rolling back to the last good state…", until: [.rollback, .error])
    }

    private func nextTheme() {
        let theme = themes.theme(after: view.themeName)
        setTheme(theme)
        // A display setting, not something the run did: the footer says it, the events panel not.
        let note = options.noColor ? " (NO_COLOR: shown without colour)" : ""
        show("theme: \(theme.name)\(note)", .info)
    }

    var selectedRow: EditableRow {
        let rows = editableRows
        return rows[min(max(0, view.selectedRow), rows.count - 1)]
    }

    private func moveSelection(by delta: Int) {
        let count = editableRows.count
        view.selectedRow = ((view.selectedRow + delta) % count + count) % count
    }

    /// The value `+`/`-` starts from: a value already sent but not yet shown, else the live one.
    private func baseValue(_ row: EditableRow) -> Double? {
        switch row {
        case .smoothing: view.smoothing
        case .hyperparameter(let parameter): view.pending[parameter]?.value ?? lastSnapshot.value(of: parameter)
        }
    }

    private func adjustSelected(by factor: Double) {
        let row = selectedRow
        guard let current = baseValue(row) else { return }
        if row == .smoothing {
            // Scale the distance to 1 instead, so + creeps towards 0.999 and - towards 0.
            let remaining = (1 - current) / factor
            apply(min(Smoothing.range.upperBound, max(0, 1 - remaining)), to: row)
            return
        }
        guard current != 0 else {
            show("\(row.label) is 0, which no factor changes: press Enter to type a value", .warning)
            return
        }
        apply(current * factor, to: row)
    }

    private func handleEditing(_ key: Key, row: EditableRow, text: String) {
        switch key {
        case .escape:
            view.mode = .normal
            show("edit cancelled", .info)
        case .enter:
            view.mode = .normal
            let typed = text.trimmingWhitespace()
            guard let value = Double(typed), value.isFinite else {
                show("not a number: '\(typed)' — \(row.label) unchanged", .error)
                return
            }
            apply(value, to: row)
        case .backspace, .delete:
            view.mode = .editing(row, text: String(text.dropLast()))
        case .character(let character) where text.count < 32 && !character.isNewline:
            view.mode = .editing(row, text: text + String(character))
        default:
            break
        }
    }

    /// Validates and applies a new value: smoothing locally, a hyperparameter with `.set`.
    /// Refused values change nothing and say why.
    private func apply(_ value: Double, to row: EditableRow) {
        switch row {
        case .smoothing:
            guard Smoothing.range.contains(value) else {
                show("smoothing must be in 0…0.999, got \(Format.number(value)) — unchanged", .error)
                return
            }
            view.smoothing = (value * 1000).rounded() / 1000
            show("smoothing \(Format.fixed(view.smoothing, 3))", .info)
        case .hyperparameter(let parameter):
            if let problem = parameter.validate(value) {
                show(problem + " — unchanged", .error)
                return
            }
            control.send(.set(parameter, value), from: .keyboard)
            view.pending[parameter] = PendingValue(value: value, sentAt: clock())
            show("\(parameter.label) → \(Format.number(value)) (applies at the next minibatch)",
                 until: [.hyperparameter, .error])
        }
    }
}
