/// One row of the key table: the keys, what each does, and how the help overlay, the footer and
/// the README describe them. `KeyBinding.all` is the only list of keys: key handling, the help
/// overlay and the footer are derived from it, and a test holds the README's table to it.
struct KeyBinding: Sendable {
    /// A short name in the footer's key strip.
    struct FooterLabel: Sendable {
        enum Priority: Sendable {
            /// Shown even on the narrowest screen.
            case always
            /// Shown, in table order, while there is room.
            case ifRoom
        }

        let keys: String
        let action: String
        let priority: Priority
    }

    /// Each key and its action; one binding may hold opposite actions (↑ and ↓), as its help row does.
    let actions: [(keys: [Key], action: KeyAction)]
    let helpKeys: String
    let helpAction: String
    let footer: FooterLabel?

    init(_ actions: [(keys: [Key], action: KeyAction)], help: (keys: String, action: String),
         footer: FooterLabel?) {
        self.actions = actions
        helpKeys = help.keys
        helpAction = help.action
        self.footer = footer
    }

    init(_ keys: [Key], _ action: KeyAction, help: (keys: String, action: String), footer: FooterLabel?) {
        self.init([(keys, action)], help: help, footer: footer)
    }

    /// The action bound to `key` in the normal mode, if any.
    static func action(for key: Key) -> KeyAction? {
        for binding in all {
            for (keys, action) in binding.actions where keys.contains(key) { return action }
        }
        return nil
    }

    static let all: [KeyBinding] = [
        KeyBinding([.character(" "), .character("p")], .togglePause,
                   help: ("space, p", "pause / resume training"),
                   footer: FooterLabel(keys: "space", action: "pause", priority: .ifRoom)),
        KeyBinding([([.up, .character("k")], .moveSelection(by: -1)),
                    ([.down, .character("j")], .moveSelection(by: 1))],
                   help: ("↑ ↓, k j", "select a hyperparameter (or the smoothing)"),
                   footer: FooterLabel(keys: "↑↓", action: "select", priority: .ifRoom)),
        KeyBinding([([.character("+"), .character("="), .right], .scaleSelected(by: 1.25)),
                    ([.character("-"), .character("_"), .left], .scaleSelected(by: 0.8))],
                   help: ("+ -, → ←", "multiply the selected value by 1.25 / 0.8"),
                   footer: FooterLabel(keys: "+/-", action: "change", priority: .ifRoom)),
        KeyBinding([.enter], .editSelected,
                   help: ("Enter", "type an exact value (Esc cancels)"),
                   footer: FooterLabel(keys: "⏎", action: "edit", priority: .ifRoom)),
        KeyBinding([.character("s")], .saveCheckpoint,
                   help: ("s", "save a checkpoint now"),
                   footer: FooterLabel(keys: "s", action: "save", priority: .ifRoom)),
        KeyBinding([.character("e")], .evaluateNow,
                   help: ("e", "evaluate on the validation data now"),
                   footer: FooterLabel(keys: "e", action: "eval", priority: .ifRoom)),
        KeyBinding([.character("t")], .nextTheme,
                   help: ("t", "next theme"),
                   footer: FooterLabel(keys: "t", action: "theme", priority: .ifRoom)),
        KeyBinding([.character("r")], .rollBack,
                   help: ("r", "roll back to the last good state (after DIVERGED)"),
                   footer: FooterLabel(keys: "r", action: "rollback", priority: .ifRoom)),
        KeyBinding([([.pageUp], .scrollEvents(by: 5)), ([.pageDown], .scrollEvents(by: -5)),
                    ([.end], .scrollEventsToNewest)],
                   help: ("PgUp PgDn, End", "scroll the events back / forward, to the newest"),
                   footer: nil),
        KeyBinding([.character("?")], .showHelp,
                   help: ("?", "this help"),
                   footer: FooterLabel(keys: "?", action: "help", priority: .always)),
        // Ctrl-C is not listed among the keys: it interrupts in every mode, not just the normal
        // one (`DashboardApp.handle(_:)`), though the help names it beside q.
        KeyBinding([.character("q"), .character("Q")], .quit,
                   help: ("q, Ctrl-C", "quit (asks to save or discard unsaved progress)"),
                   footer: FooterLabel(keys: "q", action: "quit", priority: .always)),
    ]
}
