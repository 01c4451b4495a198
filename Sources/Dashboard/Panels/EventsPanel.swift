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
        let events = events
        let height = max(0, area.height - 2)
        let back = EventList.clampedScroll(view.eventsScroll, lineCount: EventList.lines(events).count, height: height)
        let hint = area.width >= 50 ? "time · step · what · PgUp older" : "PgUp older"
        let title = back > 0 ? "\(back) newer below · PgDn/End" : hint
        let inner = Box(title: "events", rightTitle: title).render(in: area, buffer: &buffer)
        EventList(events: events, scroll: back).render(in: inner, buffer: &buffer)
    }
}
