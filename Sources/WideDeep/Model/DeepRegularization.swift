/// The deep part's regularization: plain state read at every step, so each value is a live
/// hyperparameter. The reported training loss is the data loss alone (the penalties are not added).
public struct DeepRegularization: Sendable, Equatable {
    /// Dropout rate of the hidden layers' outputs in training (Srivastava et al. 2014, inverted:
    /// kept units are scaled by 1/(1−p), so evaluation uses the weights as they are); 0 is off.
    public var dropout: Double = 0
    /// L2 on the dense weights: each step adds λ·W to their gradient (the gradient of λ/2·‖W‖²);
    /// biases are not regularized.
    public var l2: Double = 0
    /// L2 on the embedding rows a minibatch touched: λ·e added to each touched row's gradient (lazy,
    /// as a regularizer on the gathered rows in TensorFlow); untouched rows do not decay.
    public var embeddingL2: Double = 0

    public init(dropout: Double = 0, l2: Double = 0, embeddingL2: Double = 0) {
        self.dropout = dropout
        self.l2 = l2
        self.embeddingL2 = embeddingL2
    }
}
