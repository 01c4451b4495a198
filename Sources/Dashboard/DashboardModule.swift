/// The dashboard: layout, widgets and key handling over a `TerminalBackend` (being written).
public enum DashboardModule {}
