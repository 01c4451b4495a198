extension ModelState {
    /// Every tensor's name, in order, and the optimizer's step count (`steps`).
    var tensorNames: [String] { floats.keys.sorted() + uint16.keys.sorted() + uint8.keys.sorted() + ["steps"] }

    /// FNV-1a over every tensor's name and bits, in name order: equal states, equal sums.
    var checksum: UInt64 {
        var hash = Self.fnvOffset
        for name in tensorNames { Self.mix(&hash, checksum(of: name)) }
        return hash
    }

    /// FNV-1a over one tensor's bits (`steps`: the optimizer's step count).
    func checksum(of name: String) -> UInt64 {
        var hash = Self.fnvOffset
        for byte in name.utf8 { Self.mix(&hash, UInt64(byte)) }
        if let values = floats[name] { for v in values { Self.mix(&hash, UInt64(v.bitPattern)) } }
        if let values = uint16[name] { for v in values { Self.mix(&hash, UInt64(v)) } }
        if let values = uint8[name] { for v in values { Self.mix(&hash, UInt64(v)) } }
        if name == "steps" { Self.mix(&hash, UInt64(deepOptimizerSteps)) }
        return hash
    }

    private static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325

    private static func mix(_ hash: inout UInt64, _ word: UInt64) { hash = (hash ^ word) &* 0x0000_0100_0000_01b3 }
}
