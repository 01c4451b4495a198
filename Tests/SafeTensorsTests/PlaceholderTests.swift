import XCTest
@testable import SafeTensors
final class PlaceholderTests: XCTestCase { func testModuleLinks() { XCTAssertNotNil(SafeTensorsModule.self) } }
