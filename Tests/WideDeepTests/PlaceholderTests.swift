import XCTest
@testable import WideDeep
final class PlaceholderTests: XCTestCase { func testModuleLinks() { XCTAssertEqual(ModelMode.wideDeep.rawValue, "wide-deep") } }
