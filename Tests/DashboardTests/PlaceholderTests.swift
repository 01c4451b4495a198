import XCTest
@testable import Dashboard
final class PlaceholderTests: XCTestCase { func testModuleLinks() { XCTAssertNotNil(DashboardModule.self) } }
