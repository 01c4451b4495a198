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
        frame = CellBuffer(width: 0, height: 0)
        spare = frame
        lastSnapshot = control.snapshot
        view.readOnly = options.attached && options.readOnly
        startupWarnings = themes.problems.map(\.description) + (warning.map { [$0] } ?? [])
        for warning in startupWarnings { addLocalEvent(warning, kind: .error) }
        if let first = startupWarnings.last { show(first, .warning, seconds: 8) }
    }

    // MARK: Frame loop

    /// Runs until the user quits or SIGTERM arrives; returns how it ended.
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
            outcome = DashboardOutcome(reason: .terminated, finalSnapshot: control.snapshot)
        case .interrupt where options.attached:
            // Ctrl-C never stops a run from another terminal: it only detaches.
            detach()
        case .interrupt:
            lastSnapshot = control.snapshot
            // Like q from any mode: an open value line or help closes. A second Ctrl-C while the
            // quit question is up quits without saving, as terminal programs do.
            if case .confirmQuit = view.mode {
                finishByUser(saving: false)
            } else {
                view.mode = .normal
                requestQuit()
            }
        case .resize:
            renderer.invalidate()
        case .key(let key):
            handle(key: key)
        }
    }

    /// Ends the dashboard; the session stops and writes `final` only when `saving`.
    func finishByUser(saving: Bool = true) {
        control.send(saving ? .stop : .stopWithoutSaving, from: .keyboard)
        outcome = DashboardOutcome(reason: .userQuit, finalSnapshot: control.snapshot)
    }

    // MARK: View state helpers

    func show(_ text: String, _ severity: StatusMessage.Severity, seconds: Double = 5) {
        view.message = StatusMessage(text: text, severity: severity, expires: clock() + seconds)
    }

    /// Shows `text` until the run reports an event of one of `kinds` (at most a minute), then
    /// that event's message instead.
    func show(_ text: String, until kinds: [RunEvent.Kind]) {
        show(text, .info, seconds: 60)
        view.awaiting = AwaitedOutcome(kinds: kinds, since: lastSnapshot.elapsedSeconds)
    }

    func addLocalEvent(_ message: String, kind: RunEvent.Kind) {
        let snapshot = lastSnapshot
        view.localEvents.append(RunEvent(step: snapshot.step, seconds: snapshot.elapsedSeconds,
                                         kind: kind, message: message))
        if view.localEvents.count > 50 { view.localEvents.removeFirst(view.localEvents.count - 50) }
    }

    /// Drops expired messages and pending values the session has applied (or ignored for 3 s).
    private func expireTransientState(_ snapshot: TrainingSnapshot) {
        let now = clock()
        if let awaited = view.awaiting,
           let answer = snapshot.events.first(where: { $0.seconds > awaited.since && awaited.kinds.contains($0.kind) }) {
            let failed = answer.kind == .error || answer.kind == .divergence
            show(answer.message, failed ? .error : .info, seconds: failed ? 10 : 5)
            view.awaiting = nil
        }
        if let message = view.message, now >= message.expires {
            view.message = nil
            view.awaiting = nil
        }
        for (parameter, pending) in view.pending {
            let live = snapshot.value(of: parameter)
            let applied = live.map { abs($0 - pending.value) <= 1e-12 * max(1, abs(pending.value)) } ?? false
            if applied || now - pending.sentAt > 3 { view.pending[parameter] = nil }
        }
        let rows = EditableRow.rows(for: snapshot)
        view.selectedRow = min(view.selectedRow, rows.count - 1)
    }

    func setTheme(_ theme: Theme) {
        renderer.setTheme(ResolvedTheme(theme: theme, tier: terminal.colorTier, forceMonochrome: options.noColor))
        view.themeName = theme.name
    }

    var editableRows: [EditableRow] { EditableRow.rows(for: lastSnapshot) }
}
