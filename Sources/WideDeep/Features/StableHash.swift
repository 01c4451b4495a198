/// The stable 64-bit hash behind every feature id.
///
/// Swift's `Hasher` is seeded per process, so ids saved in a checkpoint would mean nothing in the
/// next run. This hash is fixed and documented instead:
///
///     valueHash(field, value) = fmix64(FNV-1a-64(utf8(field) ‖ 0x1F ‖ utf8(value)))
///     crossHash(name, h1…hk)  = fmix64(FNV-1a-64(utf8(name) ‖ 0x1E ‖ le64(h1) ‖ … ‖ le64(hk)))
///
/// FNV-1a 64 (offset basis 0xcbf29ce484222325, prime 0x100000001b3) is followed by MurmurHash3's
/// 64-bit finalizer, because FNV's low bits mix poorly and ids are taken modulo a power of two.
/// A missing value is the empty string.
public enum StableHash {
    public static let fnvOffsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    public static let fnvPrime: UInt64 = 0x0000_0100_0000_01b3
    /// After a field's name (`fieldState`) and a cross's name (`crossState`): part of the hash
    /// spec an exporter publishes (`wdl export --onnx`'s feature spec).
    public static let fieldSeparator: UInt8 = 0x1F
    public static let crossSeparator: UInt8 = 0x1E

    /// FNV-1a over `bytes`, continuing from `state`.
    @inlinable
    public static func fnv1a<C: Sequence>(_ bytes: C, state: UInt64 = fnvOffsetBasis) -> UInt64
    where C.Element == UInt8 {
        var h = state
        for byte in bytes {
            h ^= UInt64(byte)
            h = h &* fnvPrime
        }
        return h
    }

    /// MurmurHash3's fmix64 finalizer: a bijection that spreads every input bit over the output.
    @inlinable
    public static func fmix64(_ value: UInt64) -> UInt64 {
        var k = value
        k ^= k >> 33
        k = k &* 0xff51_afd7_ed55_8ccd
        k ^= k >> 33
        k = k &* 0xc4ce_b9fe_1a85_ec53
        k ^= k >> 33
        return k
    }

    /// The FNV state after `field` and the separator: hash values of one field start here.
    public static func fieldState(_ field: String) -> UInt64 {
        fnv1a([fieldSeparator], state: fnv1a(field.utf8))
    }

    /// Hash of one value of one field, given the field's state from `fieldState`.
    @inlinable
    public static func value(fieldState: UInt64, bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        fmix64(fnv1a(bytes, state: fieldState))
    }

    /// Hash of one value of one field.
    public static func value(field: String, _ value: String) -> UInt64 {
        fmix64(fnv1a(value.utf8, state: fieldState(field)))
    }

    /// The FNV state after a cross's name and separator.
    public static func crossState(_ name: String) -> UInt64 {
        fnv1a([crossSeparator], state: fnv1a(name.utf8))
    }

    /// Hash of a cross of component value hashes, in the cross's field order.
    @inlinable
    public static func cross(state: UInt64, components: some Sequence<UInt64>) -> UInt64 {
        var h = state
        for component in components { h = crossStep(h, component) }
        return fmix64(h)
    }

    /// One component's eight little-endian bytes folded into a cross's FNV state (`cross` is
    /// `fmix64` of these steps from the cross's state).
    @inlinable
    public static func crossStep(_ state: UInt64, _ component: UInt64) -> UInt64 {
        var h = state, c = component
        for _ in 0..<8 {
            h ^= c & 0xFF
            h = h &* fnvPrime
            c >>= 8
        }
        return h
    }

    /// A second, independent index from a value hash (embedding rows), so that the wide id and
    /// the embedding row of one value do not collide in lockstep.
    @inlinable
    public static func rehash(_ value: UInt64) -> UInt64 {
        fmix64(value ^ 0x9e37_79b9_7f4a_7c15)
    }
}
