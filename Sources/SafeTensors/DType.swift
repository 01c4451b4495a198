// Tensor data is stored and exchanged as raw bytes in host order; the format says little-endian,
// so a big-endian host would need byte swapping that this module does not implement.
#if !_endian(little)
#error("SafeTensors assumes a little-endian host (safetensors data is little-endian)")
#endif

/// Element type of a tensor, spelled as in the safetensors header (`"F32"`, `"I64"`, ...).
public enum DType: String, Sendable, CaseIterable, CustomStringConvertible {
    case bool = "BOOL"
    case u8 = "U8"
    case i8 = "I8"
    case u16 = "U16"
    case i16 = "I16"
    case f16 = "F16"
    case bf16 = "BF16"
    case u32 = "U32"
    case i32 = "I32"
    case f32 = "F32"
    case u64 = "U64"
    case i64 = "I64"
    case f64 = "F64"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .bool, .u8, .i8: 1
        case .u16, .i16, .f16, .bf16: 2
        case .u32, .i32, .f32: 4
        case .u64, .i64, .f64: 8
        }
    }

    public var description: String { rawValue }
}

/// A Swift scalar whose in-memory representation is exactly one safetensors element, so arrays of
/// it convert to and from tensor bytes with a single memory copy.
public protocol SafeTensorElement: BitwiseCopyable, Sendable {
    static var safeTensorsDType: DType { get }
}

extension Float: SafeTensorElement { public static var safeTensorsDType: DType { .f32 } }
extension Double: SafeTensorElement { public static var safeTensorsDType: DType { .f64 } }
extension Int8: SafeTensorElement { public static var safeTensorsDType: DType { .i8 } }
extension Int16: SafeTensorElement { public static var safeTensorsDType: DType { .i16 } }
extension Int32: SafeTensorElement { public static var safeTensorsDType: DType { .i32 } }
extension Int64: SafeTensorElement { public static var safeTensorsDType: DType { .i64 } }
extension UInt8: SafeTensorElement { public static var safeTensorsDType: DType { .u8 } }
extension UInt16: SafeTensorElement { public static var safeTensorsDType: DType { .u16 } }
extension UInt32: SafeTensorElement { public static var safeTensorsDType: DType { .u32 } }
extension UInt64: SafeTensorElement { public static var safeTensorsDType: DType { .u64 } }
#if !(os(macOS) && arch(x86_64))  // Float16 is unavailable on Intel Macs
extension Float16: SafeTensorElement { public static var safeTensorsDType: DType { .f16 } }
#endif
