import WideDeep

/// One record of a TensorBoard event file: TensorFlow's `Event` message (event.proto) with the
/// fields TensorBoard's scalar dashboard reads.
public struct TensorBoardEvent: Sendable, Equatable {
    /// Seconds since 1970.
    public var wallTime: Double
    public var step: Int
    public var content: Content

    public enum Content: Sendable, Equatable {
        /// The first event of a file names its format version.
        case fileVersion(String)
        /// `summary { value { tag, simple_value } … }`.
        case scalars([Scalar])
    }

    public struct Scalar: Sendable, Equatable {
        public var tag: String
        public var value: Float

        public init(_ tag: String, _ value: Float) {
            self.tag = tag
            self.value = value
        }
    }

    /// The version TensorBoard expects in a file's first event.
    public static let currentFileVersion = "brain.Event:2"

    public init(wallTime: Double, step: Int, content: Content) {
        self.wallTime = wallTime
        self.step = step
        self.content = content
    }

    /// The message's bytes. Field numbers from event.proto and summary.proto: Event.wall_time 1,
    /// step 2, file_version 3, summary 5; Summary.value 1; Value.tag 1, simple_value 2.
    public func encoded() -> [UInt8] {
        var event = ProtobufWriter()
        event.double(1, wallTime)
        event.int(2, Int64(step))
        switch content {
        case .fileVersion(let version):
            event.string(3, version)
        case .scalars(let scalars):
            event.message(5) { summary in
                for scalar in scalars {
                    summary.message(1) { value in
                        value.string(1, scalar.tag)
                        value.float(2, scalar.value)
                    }
                }
            }
        }
        return event.bytes
    }
}
