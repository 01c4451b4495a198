/// One tensor: dtype, shape and its raw little-endian bytes.
///
/// The byte count always equals product(shape) × dtype size (checked on construction). A scalar
/// has shape `[]` and one element; a shape with a zero dimension has no bytes.
public struct Tensor: Sendable, Equatable, CustomStringConvertible {
    public let dtype: DType
    public let shape: [Int]
    public let bytes: [UInt8]

    /// A tensor from raw little-endian bytes.
    public init(dtype: DType, shape: [Int], bytes: [UInt8]) throws {
        let expected = try Tensor.byteCount(dtype: dtype, shape: shape)
        guard bytes.count == expected else {
            throw SafeTensorsError.byteCountMismatch(dtype: dtype, shape: shape,
                                                     expectedBytes: expected, actualBytes: bytes.count)
        }
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    /// A tensor holding `values` (one memory copy). `shape` defaults to `[values.count]`; pass
    /// `[]` with one value for a scalar.
    public init<T: SafeTensorElement>(_ values: [T], shape: [Int]? = nil) throws {
        self = try values.withUnsafeBufferPointer { try Tensor(copying: $0, shape: shape) }
    }

    /// A tensor copied from memory the caller owns (e.g. a model's parameter buffer), without an
    /// intermediate array. `shape` defaults to `[buffer.count]`.
    public init<T: SafeTensorElement>(copying buffer: UnsafeBufferPointer<T>, shape: [Int]? = nil) throws {
        let source = UnsafeRawBufferPointer(buffer)
        let raw = [UInt8](unsafeUninitializedCapacity: source.count) { bytes, initialized in
            UnsafeMutableRawBufferPointer(bytes).copyMemory(from: source)
            initialized = source.count
        }
        try self.init(dtype: T.safeTensorsDType, shape: shape ?? [buffer.count], bytes: raw)
    }

    /// A scalar (shape `[]`).
    public init<T: SafeTensorElement>(scalar: T) {
        // One element always matches shape [], so this cannot fail.
        self = try! Tensor([scalar], shape: [])
    }

    /// Number of elements: product of the shape (1 for a scalar).
    public var elementCount: Int { bytes.count / dtype.size }

    /// The elements as `T`, which must match the dtype exactly (no conversion). One memory copy.
    public func values<T: SafeTensorElement>(as type: T.Type = T.self) throws -> [T] {
        guard T.safeTensorsDType == dtype else {
            throw SafeTensorsError.dtypeMismatch(path: "", tensor: "", expected: T.safeTensorsDType, actual: dtype)
        }
        let count = elementCount
        return bytes.withUnsafeBytes { source in
            [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
                initialized = count
            }
        }
    }

    /// Copies the elements into memory the caller owns, whose count must equal `elementCount`
    /// (e.g. straight into a model's parameter buffer).
    public func copyValues<T: SafeTensorElement>(into destination: UnsafeMutableBufferPointer<T>) throws {
        guard T.safeTensorsDType == dtype else {
            throw SafeTensorsError.dtypeMismatch(path: "", tensor: "", expected: T.safeTensorsDType, actual: dtype)
        }
        guard destination.count == elementCount else {
            throw SafeTensorsError.shapeMismatch(path: "", tensor: "", expected: [destination.count], actual: [elementCount])
        }
        bytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(destination).copyMemory(from: $0) }
    }

    public func floats() throws -> [Float] { try values() }
    public func uint8s() throws -> [UInt8] { try values() }

    /// BOOL elements (any non-zero byte is true).
    public func bools() throws -> [Bool] {
        guard dtype == .bool else {
            throw SafeTensorsError.dtypeMismatch(path: "", tensor: "", expected: .bool, actual: dtype)
        }
        return bytes.map { $0 != 0 }
    }

    /// A BOOL tensor.
    public init(bools: [Bool], shape: [Int]? = nil) throws {
        try self.init(dtype: .bool, shape: shape ?? [bools.count], bytes: bools.map { $0 ? 1 : 0 })
    }

    /// Index of the first NaN or infinite element of a floating-point tensor (F16, BF16, F32,
    /// F64), nil if all are finite or the dtype is an integer type. Lets a caller refuse to save
    /// a diverged state and say where.
    public var firstNonFiniteIndex: Int? {
        bytes.withUnsafeBytes { raw -> Int? in
            switch dtype {
            case .f32:
                for i in 0..<elementCount where !raw.loadUnaligned(fromByteOffset: i * 4, as: Float.self).isFinite { return i }
            case .f64:
                for i in 0..<elementCount where !raw.loadUnaligned(fromByteOffset: i * 8, as: Double.self).isFinite { return i }
            case .f16, .bf16:
                // Exponent all ones means Inf or NaN.
                let mask: UInt16 = dtype == .f16 ? 0x7C00 : 0x7F80
                for i in 0..<elementCount where raw.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self) & mask == mask { return i }
            default:
                break
            }
            return nil
        }
    }

    public var description: String { "Tensor(\(dtype), \(shape), \(bytes.count) bytes)" }

    /// product(shape) × dtype size, rejecting negative dimensions and overflow.
    static func byteCount(dtype: DType, shape: [Int]) throws -> Int {
        var total = dtype.size
        for dim in shape {
            guard dim >= 0 else { throw SafeTensorsError.invalidShape(shape: shape, reason: "negative dimension") }
            let (product, overflow) = total.multipliedReportingOverflow(by: dim)
            guard !overflow else { throw SafeTensorsError.invalidShape(shape: shape, reason: "byte size overflows") }
            total = product
        }
        return total
    }
}
