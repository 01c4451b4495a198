import CNcursesw
/// The ncurses terminal backend (being written).
public enum DashboardCursesModule {}
