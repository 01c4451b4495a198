import Foundation
import XCTest
import SafeTensors
@testable import WideDeep
import WDLTestSupport

final class CheckpointInspectionTests: XCTestCase {
    var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder = nil }

    func testSparsityAndTopWeightsNamedFromTheFile() throws {
        var config = try SmallRun.config(in: folder)
        config.train.epochs = 1
        config.optim.wide.l1 = 1  // enough L1 that some touched coordinates stay at zero
        let path = SmallRun.trainedCheckpoint(config, folder: folder)
        let checkpoint = try LoadedCheckpoint.load(path: path)
        let inspection = CheckpointInspection(checkpoint, top: 12)

        // Expected values straight from the file: z, n, group_of and the FTRL formula (paper's
        // convention) with the saved hyperparameters; names from the `wide_names` metadata.
        let file = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: path))
        let z: [Float] = try file.values(named: "wide.ftrl_z"), n: [Float] = try file.values(named: "wide.ftrl_n")
        let group: [UInt16] = try file.values(named: "wide.group_of")
        let h = try JSONSerialization.jsonObject(with: Data(file.metadata["hyperparameters"]!.utf8)) as! [String: Double]
        let (alpha, beta, l1, l2) = (h["ftrl_alpha"]!, h["ftrl_beta"]!, h["ftrl_l1"]!, h["ftrl_l2"]!)
        XCTAssertEqual(l1, 1)
        func weight(_ i: Int) -> Float {
            let zi = Double(z[i])
            guard abs(zi) > l1 else { return 0 }
            return Float(-(zi - (zi > 0 ? l1 : -l1)) / ((beta + Double(n[i]).squareRoot()) / alpha + l2))
        }
        let names = try JSONSerialization.jsonObject(with: Data(file.metadata["wide_names"]!.utf8)) as! [String: String]
        let groupNames = ["a", "b", "x buckets", "a x b"]
        var touched = [Int](repeating: 0, count: 4), nonzero = [Int](repeating: 0, count: 4)
        var weights: [(id: Int, w: Float)] = []
        for i in 0..<4096 where group[i] != UInt16.max {
            touched[Int(group[i])] += 1
            if weight(i) != 0 { nonzero[Int(group[i])] += 1; weights.append((i, weight(i))) }
        }
        let wide = try XCTUnwrap(inspection.wide)
        XCTAssertEqual(wide.groups.map(\.name), groupNames)
        XCTAssertEqual(wide.groups.map(\.touched), touched)
        XCTAssertEqual(wide.groups.map(\.nonzero), nonzero)
        XCTAssertGreaterThan(touched.reduce(0, +), nonzero.reduce(0, +), "L1 keeps some at zero")
        XCTAssertEqual(wide.bias, Double(-(Double(z[4096])) / ((beta + Double(n[4096]).squareRoot()) / alpha)), accuracy: 1e-6)

        weights.sort { abs($0.w) != abs($1.w) ? abs($0.w) > abs($1.w) : $0.id < $1.id }
        XCTAssertEqual(inspection.topWeights.map(\.id), weights.prefix(12).map(\.id))
        XCTAssertEqual(inspection.topWeights.map(\.weight), weights.prefix(12).map { Double($0.w) })
        for top in inspection.topWeights {
            XCTAssertEqual(top.name, names[String(top.id)])
            XCTAssertEqual(top.group, groupNames[Int(group[top.id])])
            switch top.group {
            case "a": XCTAssertNotNil(top.name.range(of: #"^a=a\d+$"#, options: .regularExpression), top.name)
            case "b": XCTAssertNotNil(top.name.range(of: #"^b=b\d$"#, options: .regularExpression), top.name)
            case "a x b": XCTAssertNotNil(top.name.range(of: #"^a=a\d+ x b=b\d$"#, options: .regularExpression), top.name)
            default: XCTAssertTrue(top.name.hasPrefix("x∈["), top.name)
            }
        }
        XCTAssertTrue(inspection.topWeights.contains { $0.group == "a x b" }, "the planted cross is among the strongest")

        // Where the checkpoint recorded no name: "(unnamed)".
        var anonymous = checkpoint
        anonymous.wideNames = [:]
        XCTAssertEqual(Set(CheckpointInspection(anonymous, top: 5).topWeights.map(\.name)), ["(unnamed)"])

        // Sizes per part: wide z and n (4097 F32 each) and group_of (4096 U16).
        XCTAssertEqual(inspection.parts.first, CheckpointInspection.Part(name: "wide", tensors: 3, parameters: 4097, bytes: 2 * 4097 * 4 + 4096 * 2))
        let rows = checkpoint.layout.embeddingRows
        XCTAssertEqual(inspection.parts.first { $0.name == "embeddings" }?.parameters, (rows[0] + rows[1]) * 4)
        XCTAssertEqual(inspection.parts.first { $0.name == "dense" }?.parameters, 9 * 8 + 8 + 8 + 1)
        XCTAssertEqual(inspection.embeddings.map(\.field), ["a", "b"])
        XCTAssertEqual(inspection.embeddings.map(\.rowsTouched), checkpoint.model.tables.map { $0.touched.filter { $0 != 0 }.count })
        XCTAssertEqual(inspection.step, 40)

        let text = inspection.text()
        assertContains(text, "step 40", "a x b", "top 12 wide weights", inspection.topWeights[0].name)
        let json = try JSONSerialization.jsonObject(with: Data(try inspection.json().utf8)) as! [String: Any]
        XCTAssertEqual((json["top_weights"] as? [[String: Any]])?.count, 12)
        XCTAssertEqual(((json["config"] as? [String: Any])?["features"] as? [String: Any])?["hash_buckets"] as? Int, 4096)
    }

    func testDeepOnlyCheckpointHasNoWideSection() throws {
        var config = try SmallRun.config(in: folder)
        config.train.epochs = 1
        config.model.mode = .deep
        let inspection = CheckpointInspection(try LoadedCheckpoint.load(path: SmallRun.trainedCheckpoint(config, folder: folder)))
        XCTAssertNil(inspection.wide)
        XCTAssertEqual(inspection.topWeights, [])
        XCTAssertEqual(inspection.parts.map(\.name), ["embeddings", "dense", "deep optimizer"])
        XCTAssertFalse(inspection.text().contains("wide weights"))
    }
}
