/// Why a data-parallel job cannot run as asked.
public struct JobError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
