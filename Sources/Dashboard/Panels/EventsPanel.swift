import WideDeep

/// The run's latest events merged with the dashboard's own (theme changes, theme problems).
struct EventsPanel {
    let snapshot: TrainingSnapshot
    let view: ViewState

    var events: [RunEvent] {
        guard !view.localEvents.isEmpty else { return snapshot.events }
        // Both lists are in time order; a stable merge keeps it.
        var merged: [RunEvent] = []
        merged.reserveCapacity(snapshot.events.count + view.localEvents.count)
        var run = snapshot.events[...], local = view.localEvents[...]
        while let a = run.first, let b = local.first {
            if b.seconds < a.seconds { merged.append(b); local.removeFirst() } else { merged.append(a); run.removeFirst() }
        }
        merged.append(contentsOf: run)
        merged.append(contentsOf: local)
        return merged
    }

    func render(in area: Rect, buffer: inout CellBuffer) {
        let inner = Box(title: "events", rightTitle: "time · step · what").render(in: area, buffer: &buffer)
        EventLog(events: events).render(in: inner, buffer: &buffer)
    }
}
