import WideDeep

/// Key dispatch in each interaction mode; the normal mode's keys come from `KeyBinding.all`.
/// What a key decides lives in `HyperparameterEditor`, `RunCommandKeys` and `QuitDialog`.
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
        case .confirmQuit, .confirmDetach:
            conclude(quitDialog.answer(key, in: &view))
        case .help:
            view.mode = .normal
        case .editing:
            carryOut(editor.type(key, in: &view))
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
        case .togglePause, .saveCheckpoint, .evaluateNow, .rollBack:
            carryOut(RunCommandKeys(snapshot: lastSnapshot).reaction(to: action))
        case .moveSelection(let delta): editor.moveSelection(by: delta, in: &view)
        case .scaleSelected(let factor): carryOut(editor.scaleSelected(by: factor, in: &view))
        case .editSelected: carryOut(editor.startTyping(in: &view))
        case .nextTheme: nextTheme()
        case .showHelp: view.mode = .help
        case .scrollEvents(let lines):
            let count = EventList.lines(EventsPanel(snapshot: lastSnapshot, view: view).events).count
            view.eventsScroll = min(max(0, view.eventsScroll + lines), count)
        case .scrollEventsToNewest: view.eventsScroll = 0
        case .quit: conclude(quitDialog.request(in: &view))
        }
    }

    /// Whether the key's action would send the run a command (changing smoothing does not).
    private func sendsCommand(_ action: KeyAction) -> Bool {
        switch action {
        case .scaleSelected, .editSelected: editor.editingSendsCommand(in: view)
        default: RunCommandKeys.handles(action)
        }
    }

    private func nextTheme() {
        let theme = themes.theme(after: view.themeName)
        setTheme(theme)
        // A display setting, not something the run did: the footer says it, the events panel not.
        let note = options.noColor ? " (NO_COLOR: shown without colour)" : ""
        show("theme: \(theme.name)\(note)", .info)
    }

    private var editor: HyperparameterEditor { HyperparameterEditor(snapshot: lastSnapshot) }

    var selectedRow: EditableRow { editor.selectedRow(in: view) }
}
