import Dispatch
import Foundation
import SafeTensors
import Synchronization
import WdlApp
import WideDeep

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `wdl gen --endless`: the generator's stream written to a descriptor with write(2) until the
/// reader goes (EPIPE, SIGPIPE being ignored: a quiet end, status 0) or SIGINT/SIGTERM asks
/// (checked between chunks, so the last chunk is whole; a note on stderr, status 0).
enum EndlessOutput {
    static func write(_ generator: SyntheticCTR, to path: String) throws {
        let toStandardOutput = OutputFile.destination(of: path) == .standardOutput || StandardOutput.isStandardOutput(path)
        // A regular file is written in place: an atomic write of a stream would never be renamed.
        let fd = toStandardOutput ? STDOUT_FILENO : open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw RunFailure(message: "cannot open \(TerminalSafe.escape(path)) for writing: \(String(cString: strerror(errno)))")
        }
        defer { if !toStandardOutput { close(fd) } }

        let signalled = Atomic<Int32>(0)
        let queue = DispatchQueue(label: "wdl.gen.signals")
        let sources = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { signalled.store(number, ordering: .relaxed) }
            source.resume()
            return source
        }
        defer { for source in sources { source.cancel() } }

        try StandardOutput.write(line: startNote(generator, to: path), to: .error)
        var failure: Int32?
        let written = generator.stream { bytes in
            guard signalled.load(ordering: .relaxed) == 0 else { return false }
            failure = writeAll(fd, bytes)
            return failure == nil
        }
        if let failure, failure != EPIPE {
            throw RunFailure(message: "cannot write to \(TerminalSafe.escape(OutputFile.displayName(of: path))) after \(written) rows: \(String(cString: strerror(failure)))")
        }
        let number = signalled.load(ordering: .relaxed)
        if number != 0 {
            try? StandardOutput.write(line: "wdl gen: \(SignalStop.name(of: number)): stopped after \(written) rows", to: .error)
        }
    }

    /// What the stream is, in one line for stderr.
    static func startNote(_ generator: SyntheticCTR, to path: String) -> String {
        let drift = generator.driftPoints.isEmpty ? "no drift"
            : "planted model redrawn at row " + generator.driftPoints.enumerated()
                .map { "\($0.element) (model seed \(generator.modelSeed &+ UInt64($0.offset + 1)))" }.joined(separator: ", ")
        return "wdl gen: endless \(generator.layout.rawValue) stream (seed \(generator.seed), model seed \(generator.modelSeed); \(drift)) to \(TerminalSafe.escape(OutputFile.displayName(of: path))) until the reader closes it or SIGINT/SIGTERM"
    }

    /// Writes all of `bytes`, retrying partial writes and EINTR; the errno of a failure, or nil.
    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32? {
        bytes.withUnsafeBytes { buffer -> Int32? in
            guard var pointer = buffer.baseAddress else { return nil }
            var remaining = buffer.count
            while remaining > 0 {
                let count = Glibc.write(fd, pointer, remaining)
                if count < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                if count == 0 { return EIO }
                pointer += count
                remaining -= count
            }
            return nil
        }
    }
}
