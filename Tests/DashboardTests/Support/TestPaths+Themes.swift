import WDLTestSupport

extension TestPaths {
    static var themesDirectory: String { path("themes") }
}
