import Foundation
import WdlRuns
import WideDeep

/// The run viewer's frame loop over metrics logs and a terminal (`wdl view`).
///
/// Everything runs on the caller's thread: `run()` waits for a key until the next poll is due
/// (twice a second), reads what the logs gained, and draws, writing only the changed cells. Tests
/// drive the same code without real time: `handle(_:)`, `poll()`, `render()`.
public final class ViewerApp {
    public enum Outcome: Sendable, Equatable {
        /// `q` or Ctrl-C.
        case userQuit
        /// SIGTERM or a closed terminal.
        case terminated
    }

    /// Seconds between looks at the files.
    public static let pollInterval = 0.5

    public let terminal: any TerminalBackend
    public private(set) var state: ViewerState
    public private(set) var outcome: Outcome?
    /// Theme problems, shown in the footer at the start (the curses entry also logs them).
    public private(set) var startupWarnings: [String] = []

    private let followers: [RunLogFollower]
    private let themes: ThemeLibrary
    private let noColor: Bool
    private let clock: () -> Double
    private let now: () -> Date
    private var renderer: ScreenRenderer
    private var frame = CellBuffer(width: 0, height: 0)
    private var messageExpires = 0.0

    public init(followers: [RunLogFollower], terminal: any TerminalBackend, themes: ThemeLibrary,
                options: DashboardOptions = DashboardOptions(),
                clock: @escaping () -> Double = DashboardApp.monotonicSeconds,
                now: @escaping () -> Date = Date.init) {
        self.followers = followers
        self.terminal = terminal
        self.themes = themes
        self.noColor = options.noColor
        self.clock = clock
        self.now = now
        let (theme, warning) = themes.theme(named: options.themeName)
        renderer = ScreenRenderer(theme: ResolvedTheme(theme: theme, tier: terminal.colorTier,
                                                       forceMonochrome: options.noColor))
        state = ViewerState(themeName: theme.name)
        state.smoothing = min(max(options.smoothing, Smoothing.range.lowerBound), Smoothing.range.upperBound)
        startupWarnings = themes.problems.map(\.description) + (warning.map { [$0] } ?? [])
        if let first = startupWarnings.last { show(first, seconds: 8) }
    }

    /// The runs as they stand now, numbered as on screen.
    public var runs: [ViewedRun] {
        let logs = followers.map(\.log)
        let names = RunLog.distinctNames(logs)
        let differences = RunLog.configDifferences(logs)
        let time = now()
        return followers.indices.map { index in
            let follower = followers[index]
            return ViewedRun(log: follower.log, name: names[index], status: follower.status(now: time),
                             problems: follower.problems, readError: follower.readError,
                             configDifference: differences[index])
        }
    }

    // MARK: Frame loop

    /// Runs until the user quits or SIGTERM arrives.
    public func run() -> Outcome {
        var nextPoll = clock() + ViewerApp.pollInterval
        render()
        while outcome == nil {
            let wait = max(0, nextPoll - clock())
            if let event = terminal.readEvent(timeoutMilliseconds: Int((wait * 1000).rounded(.up))) {
                handle(event)
                while outcome == nil, let more = terminal.readEvent(timeoutMilliseconds: 0) { handle(more) }
                if outcome == nil { render() }
            }
            if outcome == nil, clock() >= nextPoll {
                poll()
                render()
                nextPoll = clock() + ViewerApp.pollInterval
            }
        }
        return outcome ?? .userQuit
    }

    /// Reads what every log gained since the last poll.
    public func poll() {
        for follower in followers {
            let restarts = follower.restarts
            follower.poll()
            if follower.restarts > restarts {
                show("\(TerminalSafe.escape(follower.path)) was emptied or replaced: read again from the start", seconds: 8)
            }
        }
    }

    /// Draws the runs, sending only the cells that changed.
    public func render() {
        if state.message != nil, clock() >= messageExpires { state.message = nil }
        let size = terminal.size
        if frame.width != size.columns || frame.height != size.rows {
            frame = CellBuffer(width: size.columns, height: size.rows)
        }
        ViewerScreen.render(runs: runs, state: state, into: &frame)
        renderer.present(frame, on: terminal)
    }

    // MARK: Events

    public func handle(_ event: InputEvent) {
        guard outcome == nil else { return }
        switch event {
        case .terminate: outcome = .terminated
        case .interrupt: outcome = .userQuit
        case .resize: renderer.invalidate()
        case .key(let key): handle(key: key)
        }
    }

    public func handle(key: Key) {
        guard outcome == nil else { return }
        if key == Key.controlC {
            outcome = .userQuit
            return
        }
        if state.showsHelp {
            state.showsHelp = false
            return
        }
        state.message = nil
        guard let action = ViewerKeyBinding.action(for: key) else { return }
        switch action {
        case .cycleZoom:
            state.zoom = state.zoom.next
        case .toggleRawLoss:
            state.showsRawLoss.toggle()
        case .switchMetric:
            state.metric = state.metric == .logloss ? .auc : .logloss
        case .toggleRun(let number):
            toggleRun(number)
        case .nextTheme:
            let theme = themes.theme(after: state.themeName)
            renderer.setTheme(ResolvedTheme(theme: theme, tier: terminal.colorTier, forceMonochrome: noColor))
            state.themeName = theme.name
            show("theme: \(theme.name)" + (noColor ? " (NO_COLOR: shown without colour)" : ""))
        case .showHelp:
            state.showsHelp = true
        case .quit:
            outcome = .userQuit
        }
    }

    private func toggleRun(_ number: Int) {
        let index = number - 1
        guard followers.indices.contains(index) else {
            show("no run \(number): \(followers.count) run\(followers.count == 1 ? "" : "s") shown")
            return
        }
        if state.hiddenRuns.remove(index) == nil { state.hiddenRuns.insert(index) }
    }

    private func show(_ text: String, seconds: Double = 5) {
        state.message = text
        messageExpires = clock() + seconds
    }
}
