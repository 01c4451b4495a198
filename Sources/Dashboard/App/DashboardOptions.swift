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
        /// `q` (confirmed when there was unsaved progress) or Ctrl-C; `.stop` was sent.
        case userQuit
        /// SIGTERM: nothing was sent or saved; the CLI should exit promptly.
        case terminated
        /// Attached: the dashboard closed and the run goes on (or had already ended).
        case detached
    }

    public var reason: Reason
    /// The last snapshot read, for the final summary.
    public var finalSnapshot: TrainingSnapshot

    public init(reason: Reason, finalSnapshot: TrainingSnapshot) {
        self.reason = reason
        self.finalSnapshot = finalSnapshot
    }
}
