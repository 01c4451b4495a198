/// A key press, decoded from the terminal.
public enum Key: Hashable, Sendable {
    case character(Character)
    case up, down, left, right
    case enter, escape, backspace, delete, tab
    case home, end, pageUp, pageDown
    /// A function key F1…F12 and beyond.
    case function(Int)
    /// A key code the dashboard has no use for.
    case other(Int)

    /// Ctrl-C arrives as this character when the terminal does not turn it into SIGINT.
    public static let controlC = Key.character("\u{3}")
}

/// What the frame loop reacts to.
public enum InputEvent: Hashable, Sendable {
    case key(Key)
    /// The terminal changed size (the backend's `size` already reports the new one).
    case resize(TerminalSize)
    /// SIGINT (Ctrl-C): handled like `q`.
    case interrupt
    /// SIGTERM or SIGHUP: close the screen so the run can stop gracefully (attached: detach).
    case terminate
}
