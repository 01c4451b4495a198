/// Metrics-log lines written by hand for the tests, in the format `RunRecord` writes (keys in
/// any order; numbers chosen by hand), shared by the core's and the viewer's tests.
public enum MetricsLogLines {
    public static func start(run: String = "adult", lr: String = "0.02", seconds: Double = 0) -> String {
        #"{"event":"start","run":"\#(run)","config":{"model":{"hidden":[256,128],"mode":"wide-deep"},"optim":{"deep":{"lr":\#(lr),"name":"adagrad"}},"train":{"seed":42,"shuffle":true}},"step":0,"epoch":0,"examples":0,"seconds":\#(seconds),"ranks":1,"batch":64,"run_id":"r1","time":"2026-01-01T00:00:00Z"}"#
    }

    public static func evaluation(step: Int, examples: Int, seconds: Double = 1, train: String = "0.5",
                           auc: String = "0.8", logloss: String = "0.4", accuracy: String = "0.8",
                           best: (metric: String, auc: String, logloss: String, step: Int)? = nil,
                           final: Bool = false) -> String {
        var text = #"{"step":\#(step),"epoch":1,"examples":\#(examples),"seconds":\#(seconds),"train_logloss":\#(train),"valid_auc":\#(auc),"valid_logloss":\#(logloss),"valid_accuracy":\#(accuracy),"ranks":2,"batch":128"#
        if let best {
            text += #","best_metric":"\#(best.metric)","best_valid_auc":\#(best.auc),"best_valid_logloss":\#(best.logloss),"best_step":\#(best.step)"#
        }
        if final { text += #","final":true"# }
        return text + "}"
    }

    public static func event(_ kind: String, step: Int, examples: Int, seconds: Double = 1, message: String = "m") -> String {
        #"{"event":"\#(kind)","message":"\#(message)","step":\#(step),"epoch":1,"examples":\#(examples),"seconds":\#(seconds),"ranks":1,"batch":64}"#
    }

    public static func hyperparameterChange(step: Int, examples: Int, seconds: Double = 1) -> String {
        #"{"event":"hyperparameter","message":"deep lr 0.02 → 0.05","parameter":"deep_lr","from":0.02,"to":0.05,"step":\#(step),"epoch":1,"examples":\#(examples),"seconds":\#(seconds),"ranks":1,"batch":64}"#
    }

    /// Lines joined, each ended by a newline.
    public static func file(_ lines: String...) -> String { lines.map { $0 + "\n" }.joined() }
}
