/// Which parts of the model train: the paper's comparison of wide-only, deep-only and joint.
public enum ModelMode: String, Sendable, Codable, CaseIterable {
    case wide
    case deep
    case wideDeep = "wide-deep"

    public var hasWide: Bool { self != .deep }
    public var hasDeep: Bool { self != .wide }
}
