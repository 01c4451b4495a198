/// Sends frames to a terminal: keeps the previous frame, resolves the styles of the cells that
/// changed, and writes only those.
public struct ScreenRenderer {
    public private(set) var theme: ResolvedTheme
    private var previous: CellBuffer?
    private var changes: [CellChange] = []

    public init(theme: ResolvedTheme) {
        self.theme = theme
    }

    /// Uses another theme; the next frame is sent whole.
    public mutating func setTheme(_ theme: ResolvedTheme) {
        self.theme = theme
        previous = nil
    }

    /// Forgets what is on screen (after a resize), so the next frame is sent whole.
    public mutating func invalidate() {
        previous = nil
    }

    /// Writes the cells of `frame` that differ from the last frame presented; returns how many.
    @discardableResult
    public mutating func present(_ frame: CellBuffer, on terminal: any TerminalBackend) -> Int {
        let full = previous == nil || previous?.width != frame.width || previous?.height != frame.height
        let indices = frame.changedIndices(since: full ? nil : previous)
        changes.removeAll(keepingCapacity: true)
        changes.reserveCapacity(indices.count)
        for index in indices {
            let cell = frame.cells[index]
            // The last gate: a cell set directly (not through `CellBuffer.write`) is checked too.
            changes.append(CellChange(x: index % frame.width, y: index / frame.width,
                                      scalar: TerminalText.displayable(cell.scalar), style: theme.style(cell.style)))
        }
        if full || !changes.isEmpty { terminal.draw(changes, fullRedraw: full) }
        previous = frame
        return changes.count
    }
}
