import Foundation
import WdlControl
import WideDeep

/// `wdl attach` without a path: the runs serving a control socket in the runtime folder, one
/// line each, and the user's pick when there are several.
public enum RunPicker {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// One line per run: number, name, pid, state, step, start time (local), path.
    public static func lines(for runs: [AttachableRun]) -> [String] {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return runs.enumerated().map { index, run in
            let s = run.welcome.snapshot
            let started = formatter.string(from: Date(timeIntervalSince1970: run.welcome.started))
            let name = TerminalSafe.escape(s.runName.isEmpty ? "run" : s.runName, maxCharacters: 60)
            return String(format: "%2d) %@  pid %d  %@  step %@  started %@  %@", index + 1, name, run.welcome.pid,
                          s.state.rawValue, grouped(s.step), started, TerminalSafe.escape(run.path, maxCharacters: 200))
        }
    }

    /// 1234567 as "1,234,567" (whatever the locale: the list is read beside the dashboard's counts).
    static func grouped(_ value: Int) -> String {
        let digits = Array(String(value.magnitude))
        var text = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { text.append(",") }
            text.append(digit)
        }
        return (value < 0 ? "-" : "") + text
    }

    /// The run to attach to: the only one, or the one the user picks by number (`ask` shows
    /// the prompt and returns the answer; nil at end of input).
    public static func choose(from runs: [AttachableRun], folder: String, output: LineSink,
                              ask: (String) -> String?) throws -> AttachableRun {
        guard !runs.isEmpty else {
            throw Failure(description: "no run is serving a control socket in \(folder) (start one with `wdl train --control`, or give the socket's path)")
        }
        if runs.count == 1 { return runs[0] }
        for line in lines(for: runs) { output(line) }
        let answer = ask("attach to which run? [1-\(runs.count)]: ")?.trimmingCharacters(in: .whitespaces) ?? ""
        guard let number = Int(answer), runs.indices.contains(number - 1) else {
            throw Failure(description: "no run numbered '\(TerminalSafe.escape(answer, maxCharacters: 20))': expected 1…\(runs.count)")
        }
        return runs[number - 1]
    }
}
