import Foundation
import WideDeep

extension ControlServer {
    /// Serves `control` at `requested`, or with an empty `requested` at
    /// `<runtime folder>/<run>-<pid>.sock` (the folder is created and checked first).
    public static func start(at requested: String, runName: String, control: any TrainingControl,
                             environment: [String: String] = ProcessInfo.processInfo.environment) throws(ControlError) -> ControlServer {
        var path = requested
        if path.isEmpty {
            let folder = RuntimeFolder.standard(environment: environment)
            try folder.prepare()
            path = folder.socketPath(runName: runName)
        }
        return try ControlServer(path: path, control: control)
    }
}
