import WideDeep

/// How the dashboard looks and runs; the CLI fills this from its flags and the environment.
public struct DashboardOptions: Sendable {
    /// The theme to start with (a file name in `themesDirectory` without `.theme`).
    public var themeName: String
    /// Where `*.theme` files are; nil or missing gives the built-in default theme only.
    public var themesDirectory: String?
    /// Frames drawn per second when nothing happens (a key redraws at once).
    public var framesPerSecond: Double
    /// No colour at all (the monochrome look), as asked by `NO_COLOR`.
    public var noColor: Bool
    /// The loss smoothing factor to start with, 0…0.999.
    public var smoothing: Double
    /// A file for anything that must not reach the screen while the dashboard is up (theme
    /// problems, and stderr of the whole process while curses owns the terminal).
    public var logFile: String?
    /// On a run in another process (`wdl attach`): `d` detaches, `q` asks whether to stop the run
    /// or only detach, and the status bar says when the run ends or the connection is lost.
    public var attached: Bool = false
    /// Attached to watch only: keys that would send a command say so instead.
    public var readOnly: Bool = false

    public init(themeName: String = "default", themesDirectory: String? = "themes",
                framesPerSecond: Double = 10, noColor: Bool = false, smoothing: Double = 0.6,
                logFile: String? = nil) {
        self.themeName = themeName
        self.themesDirectory = themesDirectory
        self.framesPerSecond = framesPerSecond
        self.noColor = noColor
        self.smoothing = smoothing
        self.logFile = logFile
    }

    /// True when `NO_COLOR` is set to a non-empty value (no-color.org).
    public static func noColorRequested(environment: [String: String]) -> Bool {
        guard let value = environment["NO_COLOR"] else { return false }
        return !value.isEmpty
    }
}

/// How the dashboard ended, for the CLI to act on after the terminal is restored.
public struct DashboardOutcome: Sendable {
    public enum Reason: String, Sendable, Equatable {
        /// `q` (confirmed when there was unsaved progress, answered "save"); `.stop` was sent.
        case userQuit
        /// `q` answered "quit without saving"; `.stopWithoutSaving` was sent.
        case quitWithoutSaving
        /// A second Ctrl-C at the quit question: `.stopWithoutSaving` was sent; the CLI exits 130.
        case interrupted
        /// SIGTERM or SIGHUP on a run of this process: nothing was sent; the CLI stops the run as
        /// `q` and "save" do (final evaluation and checkpoint), a second signal quitting at once.
        case terminated
        /// Attached: the dashboard closed and the run goes on (or had already ended). SIGTERM and
        /// SIGHUP detach too.
        case detached
    }

    public var reason: Reason
    /// The last snapshot read, for the final summary.
    public var finalSnapshot: TrainingSnapshot
    /// With `.terminated`: the signal's number when the curses entry point knows it.
    public var terminationSignal: Int32?

    public init(reason: Reason, finalSnapshot: TrainingSnapshot, terminationSignal: Int32? = nil) {
        self.reason = reason
        self.finalSnapshot = finalSnapshot
        self.terminationSignal = terminationSignal
    }
}
