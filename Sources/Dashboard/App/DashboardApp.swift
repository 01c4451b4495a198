import Dispatch
import WideDeep

/// The dashboard's state machine and frame loop over a training session and a terminal.
///
/// Everything runs on the caller's thread: `run()` loops reading an event (waiting at most until
/// the next frame is due), handling it, and drawing the latest snapshot, writing only the changed
/// cells. Tests drive the same code without real time: `handle(_:)`, `render()` or `step()`.
public final class DashboardApp {
    public let control: any TrainingControl
    public let terminal: any TerminalBackend
    public private(set) var themes: ThemeLibrary
    public internal(set) var view: ViewState
    public internal(set) var outcome: DashboardOutcome?
    /// Messages about theme files, also written to the log file by the curses entry point.
    public private(set) var startupWarnings: [String] = []

    let options: DashboardOptions
    let clock: () -> Double
    var renderer: ScreenRenderer
    private var frame: CellBuffer
    private var spare: CellBuffer
    /// The snapshot of the last `render()` or key decision.
    var lastSnapshot: TrainingSnapshot

    /// Seconds on a monotonic clock.
    public static func monotonicSeconds() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds) / 1e9
    }

    public init(control: any TrainingControl, terminal: any TerminalBackend, themes: ThemeLibrary,
                options: DashboardOptions = DashboardOptions(),
                clock: @escaping () -> Double = DashboardApp.monotonicSeconds) {
        self.control = control
        self.terminal = terminal
        self.themes = themes
        self.options = options
        self.clock = clock
        let (theme, warning) = themes.theme(named: options.themeName)
        renderer = ScreenRenderer(theme: ResolvedTheme(theme: theme, tier: terminal.colorTier,
                                                       forceMonochrome: options.noColor))
        let smoothing = min(max(options.smoothing, Smoothing.range.lowerBound), Smoothing.range.upperBound)
        view = ViewState(smoothing: smoothing, themeName: theme.name)
        view.fewColors = renderer.theme.monochrome || renderer.theme.tier == .palette8
        frame = CellBuffer(width: 0, height: 0)
        spare = frame
        lastSnapshot = control.snapshot
        view.attached = options.attached
        view.readOnly = options.attached && options.readOnly
        startupWarnings = themes.problems.map(\.description) + (warning.map { [$0] } ?? [])
        for warning in startupWarnings { view.addLocalEvent(warning, kind: .error, at: lastSnapshot) }
        if let first = startupWarnings.last { show(first, .warning, seconds: 8) }
    }

    // MARK: Frame loop

    /// Runs until the user quits or detaches, or SIGTERM or SIGHUP arrives; returns how it ended.
    public func run() -> DashboardOutcome {
        let interval = 1 / max(1, options.framesPerSecond)
        var nextFrame = clock()
        render()
        while outcome == nil {
            let wait = max(0, min(interval, nextFrame - clock()))
            if let event = terminal.readEvent(timeoutMilliseconds: Int((wait * 1000).rounded(.up))) {
                handle(event)
                // Drain what else is already queued, then show the result at once.
                while outcome == nil, let more = terminal.readEvent(timeoutMilliseconds: 0) { handle(more) }
                if outcome == nil { render() }
            }
            if outcome == nil, clock() >= nextFrame {
                render()
                nextFrame = clock() + interval
            }
        }
        return outcome ?? DashboardOutcome(reason: .userQuit, finalSnapshot: lastSnapshot)
    }

    /// Reads at most one event without waiting, handles it, and draws a frame. Returns false
    /// once the dashboard has ended.
    @discardableResult
    public func step() -> Bool {
        if let event = terminal.readEvent(timeoutMilliseconds: 0) { handle(event) }
        if outcome == nil { render() }
        return outcome == nil
    }

    /// Draws the latest snapshot, sending only the cells that changed.
    public func render() {
        let snapshot = control.snapshot
        lastSnapshot = snapshot
        if options.attached { followConnection() }
        expireTransientState(snapshot)
        let size = terminal.size
        if spare.width != size.columns || spare.height != size.rows {
            spare = CellBuffer(width: size.columns, height: size.rows)
        }
        DashboardView.render(snapshot: snapshot, view: view, into: &spare)
        renderer.present(spare, on: terminal)
        swap(&frame, &spare)
    }

    // MARK: Events

    public func handle(_ event: InputEvent) {
        guard outcome == nil else { return }
        switch event {
        case .terminate:
            // Attached, a signal only closes this client; the run (another process) goes on.
            if options.attached { detach() } else {
                outcome = DashboardOutcome(reason: .terminated, finalSnapshot: control.snapshot)
            }
        case .interrupt:
            lastSnapshot = control.snapshot
            conclude(quitDialog.interrupt(in: &view))
        case .resize:
            renderer.invalidate()
        case .key(let key):
            handle(key: key)
        }
    }

    var quitDialog: QuitDialog {
        QuitDialog(snapshot: lastSnapshot, attached: options.attached, readOnly: options.readOnly)
    }

    /// Carries out what the quit or detach question decided.
    func conclude(_ decision: QuitDialog.Decision) {
        switch decision {
        case .stay(let message):
            if let message { show(message, .info) }
        case .quit(let saving):
            // The session writes `final` only when saving.
            control.send(saving ? .stop : .stopWithoutSaving, from: .keyboard)
            outcome = DashboardOutcome(reason: saving ? .userQuit : .quitWithoutSaving, finalSnapshot: control.snapshot)
        case .interrupted:
            control.send(.stopWithoutSaving, from: .keyboard)
            outcome = DashboardOutcome(reason: .interrupted, finalSnapshot: control.snapshot)
        case .stopRunAndClose:
            control.send(.stop, from: .keyboard)
            attachedRun?.detach()
            outcome = DashboardOutcome(reason: .userQuit, finalSnapshot: control.snapshot)
        case .detach:
            detach()
        }
    }

    /// Sends the key's command, if any, and puts its line on the footer. A value sent with
    /// `.set` shows as pending until the snapshot has it.
    func carryOut(_ reaction: KeyReaction) {
        if let command = reaction.command {
            control.send(command, from: .keyboard)
            if case .set(let parameter, let value) = command {
                view.pending[parameter] = PendingValue(value: value, sentAt: clock())
            }
        }
        if let notice = reaction.notice {
            view.show(notice, now: clock(), runSeconds: lastSnapshot.elapsedSeconds)
        }
    }

    // MARK: View state helpers

    func show(_ text: String, _ severity: StatusMessage.Severity, seconds: Double = 5) {
        view.show(text, severity, seconds: seconds, now: clock())
    }

    /// Drops expired messages, and pending values the session has applied (or ignored for 3 s).
    private func expireTransientState(_ snapshot: TrainingSnapshot) {
        let now = clock()
        view.expireMessages(answeredBy: snapshot, now: now)
        HyperparameterEditor(snapshot: snapshot).settle(&view, now: now)
    }

    func setTheme(_ theme: Theme) {
        renderer.setTheme(ResolvedTheme(theme: theme, tier: terminal.colorTier, forceMonochrome: options.noColor))
        view.fewColors = renderer.theme.monochrome || renderer.theme.tier == .palette8
        view.themeName = theme.name
    }
}
