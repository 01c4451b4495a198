import CNcursesw
import Dashboard
import Glibc

/// Why the curses terminal could not start.
public enum CursesTerminalError: Error, CustomStringConvertible {
    case notATerminal
    case cannotInitialize(String)

    public var description: String {
        switch self {
        case .notATerminal:
            "the dashboard needs a terminal on stdin and stdout (use --headless otherwise)"
        case .cannotInitialize(let detail):
            "cannot start the terminal user interface: \(detail)"
        }
    }
}

/// The ncurses backend: the only code in the project that calls curses.
///
/// Every call must come from the thread that created it (curses is not thread-safe); this is
/// checked. `shutdown()` restores the terminal exactly once; it also runs from `deinit`, and an
/// `atexit` hook and crash handlers cover the paths that skip both.
public final class CursesTerminal: TerminalBackend {
    public private(set) var size: TerminalSize
    public let colorTier: ColorTier
    private let owner: pthread_t
    private let signals: SignalMonitor?
    private var pairs: [PairKey: Int32] = [:]
    private let maxPairs: Int
    private var active = true
    private let attributeBits: (bold: UInt32, dim: UInt32, reverse: UInt32, underline: UInt32)

    private struct PairKey: Hashable {
        var foreground: Int32
        var background: Int32
    }

    private nonisolated(unsafe) static var atexitRegistered = false

    /// Takes over the terminal. `signals` is polled for SIGINT/SIGTERM, which must already be
    /// set to be ignored (see `SignalMonitor`) so ncurses does not install its own handlers.
    public init(signals: SignalMonitor?) throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw CursesTerminalError.notATerminal
        }
        // The user's locale first; braille and box drawing need UTF-8, so fall back to C.UTF-8.
        setlocale(LC_ALL, "")
        if cn_locale_is_utf8() == 0 { setlocale(LC_CTYPE, "C.UTF-8") }
        // Esc alone should not wait a whole second to be told apart from an escape sequence.
        setenv("ESCDELAY", "25", 0)
        if !CursesTerminal.atexitRegistered {
            cn_register_atexit()
            CursesTerminal.atexitRegistered = true
        }
        guard cn_newterm() != nil else {
            let term = getenv("TERM").map { String(cString: $0) } ?? "(unset)"
            throw CursesTerminalError.cannotInitialize("newterm failed for TERM=\(term)")
        }
        owner = pthread_self()
        self.signals = signals
        CrashGuard.install()
        let screen = cn_stdscr()
        cbreak()
        noecho()
        nonl()
        intrflush(screen, false)
        keypad(screen, true)
        curs_set(0)
        var tier = ColorTier.none
        if has_colors() {
            start_color()
            use_default_colors()
            let colors = cn_colors()
            tier = colors >= 0x1000000 ? .trueColor : colors >= 256 ? .palette256 : colors >= 8 ? .palette8 : .none
        }
        colorTier = tier
        maxPairs = Int(cn_color_pairs())
        attributeBits = (cn_attr_bold(), cn_attr_dim(), cn_attr_reverse(), cn_attr_underline())
        size = TerminalSize(columns: Int(cn_columns()), rows: Int(cn_rows()))
        werase(screen)
    }

    deinit { shutdown() }

    /// Restores the terminal (once; later calls do nothing).
    public func shutdown() {
        guard active else { return }
        checkThread()
        active = false
        curs_set(1)
        if isendwin() == false { endwin() }
        CrashGuard.remove()
    }

    private func checkThread() {
        precondition(pthread_equal(owner, pthread_self()) != 0,
                     "curses used from a thread other than the one that started it")
    }

    // MARK: TerminalBackend

    public func draw(_ changes: [CellChange], fullRedraw: Bool) {
        guard active else { return }
        checkThread()
        for change in changes {
            cn_put_cell(Int32(change.y), Int32(change.x), change.scalar.value,
                        attributes(change.style.attributes), pair(for: change.style))
        }
        wrefresh(cn_stdscr())
    }

    public func readEvent(timeoutMilliseconds: Int) -> InputEvent? {
        guard active else { return nil }
        checkThread()
        if let event = pendingSignal() { return event }
        var value: UInt32 = 0
        let kind = cn_read_key(Int32(max(0, timeoutMilliseconds)), &value)
        if let event = pendingSignal() { return event }
        switch kind {
        case 1: return .key(CursesTerminal.decode(character: value))
        case 2:
            if Int32(value) == KEY_RESIZE {
                size = TerminalSize(columns: Int(cn_columns()), rows: Int(cn_rows()))
                return .resize(size)
            }
            return .key(CursesTerminal.decode(keyCode: Int32(value)))
        default: return nil
        }
    }

    private func pendingSignal() -> InputEvent? {
        guard let signals else { return nil }
        if signals.takeTermination() { return .terminate }
        if signals.takeInterrupt() { return .interrupt }
        return nil
    }

    // MARK: Keys

    static func decode(character value: UInt32) -> Key {
        switch value {
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 9: return .tab
        default:
            guard let scalar = Unicode.Scalar(value) else { return .other(Int(value)) }
            return .character(Character(scalar))
        }
    }

    static func decode(keyCode: Int32) -> Key {
        switch keyCode {
        case KEY_UP: .up
        case KEY_DOWN: .down
        case KEY_LEFT: .left
        case KEY_RIGHT: .right
        case KEY_ENTER: .enter
        case KEY_BACKSPACE: .backspace
        case KEY_DC: .delete
        case KEY_HOME: .home
        case KEY_END: .end
        case KEY_PPAGE: .pageUp
        case KEY_NPAGE: .pageDown
        case KEY_F0 + 1...KEY_F0 + 63: .function(Int(keyCode - KEY_F0))
        default: .other(Int(keyCode))
        }
    }

    // MARK: Colours and attributes

    private func attributes(_ attributes: TextAttributes) -> UInt32 {
        var bits: UInt32 = 0
        if attributes.contains(.bold) { bits |= attributeBits.bold }
        if attributes.contains(.dim) { bits |= attributeBits.dim }
        if attributes.contains(.reverse) { bits |= attributeBits.reverse }
        if attributes.contains(.underline) { bits |= attributeBits.underline }
        return bits
    }

    /// The curses colour number: -1 for the terminal default; in direct-colour mode RGB packed
    /// as 0xRRGGBB (values below 8 would mean the ANSI colours, so they are nudged to 8).
    private func colorNumber(_ color: TerminalColor) -> Int32 {
        switch color {
        case .default: return -1
        case .indexed(let index): return Int32(index)
        case .rgb(let rgb):
            if colorTier == .trueColor { return Int32(max(8, rgb.hex)) }
            return Int32(rgb.nearest256)
        }
    }

    /// A colour pair for the style, allocated once with alloc_pair and remembered.
    private func pair(for style: TerminalStyle) -> Int32 {
        guard colorTier != .none else { return 0 }
        let key = PairKey(foreground: colorNumber(style.foreground), background: colorNumber(style.background))
        if key.foreground == -1 && key.background == -1 { return 0 }
        if let pair = pairs[key] { return pair }
        if pairs.count >= maxPairs - 2 {
            // alloc_pair recycles the oldest pairs once all are used; forget our cache with it.
            pairs.removeAll(keepingCapacity: true)
        }
        let pair = alloc_pair(key.foreground, key.background)
        let result = pair < 0 ? 0 : pair
        pairs[key] = result
        return result
    }
}
