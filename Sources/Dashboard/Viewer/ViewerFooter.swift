/// The viewer's bottom row: its keys from `ViewerKeyBinding` and the theme's name at the right on
/// wide screens, or a message across the whole row.
struct ViewerFooter {
    let state: ViewerState

    func render(in row: Rect, buffer: inout CellBuffer) {
        buffer.fill(row)
        let theme = "theme: \(state.themeName) "
        var room = row.width
        // A message takes the whole row: it should be read in full.
        if row.width >= 100, state.message == nil {
            buffer.write(theme, x: row.maxX - theme.count, y: row.y, style: .fg(.dimText))
            room -= theme.count
        }
        if let message = state.message {
            buffer.write(" " + message, in: Rect(x: row.x, y: row.y, width: room, height: 1), style: .fg(.text, .bold))
            return
        }
        var x = row.x + 1
        for label in ViewerKeyBinding.all.compactMap(\.footer) {
            let width = label.keys.count + label.action.count + 3
            guard x + width <= row.x + room else { break }
            x += buffer.write(label.keys, x: x, y: row.y, style: .fg(.title, .bold))
            x += buffer.write(" " + label.action + "  ", x: x, y: row.y, style: .fg(.dimText))
        }
    }
}
