"""TensorFlow 2.15's canned DNNLinearCombinedClassifier (the paper's reference implementation) on
wdl's standard Criteo model, for scripts/peers/compare.sh.

Linear part: one identity column over the 44 hashed wide ids per row (criteo_prep: categorical
values, numeric buckets, the five crosses) in a 2^22 space, trained with FTRL in wdl's setting
translated to TF's convention (learning_rate = α 0.05, beta 1, l1 0.1, l2 = λ2/2 = 0.5, accumulator
starting at 0 as in the paper). DNN part: a 16-dim embedding column per categorical field (table
sizes as wdl's) and the 13 standardized numerics → 256 → 128, AdaGrad lr 0.05 with accumulator 0.1.
Loss summed over the batch (TF1's reduction, and wdl's). Batch 512, one epoch, rows in the same
seeded shuffled order as the PyTorch script, batches fed from memory through tf.data.

Training examples/s exclude parsing and the graph and session set-up: a hook times from the end
of the first step to the last. Prints one JSON line like torch_wide_deep.py.
"""
import argparse
import logging
import os
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import criteo_prep as prep  # noqa: E402


class StepTimer(tf.estimator.SessionRunHook):
    """Times the steps after the first, so graph building and session start-up are left out."""

    def __init__(self):
        self.steps, self.first_end, self.last_end = 0, None, None

    def after_run(self, run_context, run_values):
        self.steps += 1
        self.last_end = time.perf_counter()
        if self.steps == 1:
            self.first_end = self.last_end


def features(wide, embed, numeric):
    columns = {"wide": wide, "I": numeric}
    columns.update({c: embed[:, f] for f, c in enumerate(prep.CATEGORICAL)})
    return columns


def main():
    parser = argparse.ArgumentParser()
    prep.add_run_arguments(parser)
    parser.add_argument("--loss-reduction", choices=["sum", "mean"], default="sum")
    args = parser.parse_args()
    tf.get_logger().setLevel(logging.ERROR)

    (labels, wide, embed, numeric), valid, layout, prep_seconds = prep.load(args.train, args.valid)
    order = np.random.default_rng(args.seed).permutation(len(labels))
    labels, wide, embed, numeric = labels[order], wide[order], embed[order], numeric[order]

    fc = tf.feature_column
    linear_columns = [fc.categorical_column_with_identity("wide", num_buckets=prep.WIDE_SPACE)]
    dnn_columns = [fc.embedding_column(fc.categorical_column_with_identity(c, num_buckets=rows), dimension=16)
                   for c, rows in zip(prep.CATEGORICAL, layout.rows)]
    dnn_columns.append(fc.numeric_column("I", shape=(len(prep.NUMERIC),)))
    session = tf.compat.v1.ConfigProto(intra_op_parallelism_threads=args.threads,
                                       inter_op_parallelism_threads=args.threads)
    model_dir = tempfile.mkdtemp(prefix="tf-wide-deep-")
    estimator = tf.estimator.DNNLinearCombinedClassifier(
        model_dir=model_dir,
        linear_feature_columns=linear_columns,
        linear_optimizer=tf.keras.optimizers.legacy.Ftrl(
            learning_rate=0.05, beta=1.0, l1_regularization_strength=0.1, l2_regularization_strength=0.5,
            initial_accumulator_value=0.0),
        dnn_feature_columns=dnn_columns,
        dnn_hidden_units=[256, 128],
        dnn_optimizer=tf.keras.optimizers.legacy.Adagrad(learning_rate=0.05, initial_accumulator_value=0.1),
        loss_reduction=(tf.keras.losses.Reduction.SUM if args.loss_reduction == "sum"
                        else tf.keras.losses.Reduction.SUM_OVER_BATCH_SIZE),
        config=tf.estimator.RunConfig(session_config=session, save_checkpoints_steps=10**9,
                                      log_step_count_steps=100_000,
                                      save_summary_steps=100_000, tf_random_seed=args.seed))

    # Batches come from the in-memory arrays through a generator: from_tensor_slices would embed
    # the 600 MB of arrays in the graph (measured: 145 s of set-up and 9.9 GB resident).
    signature = ({"wide": tf.TensorSpec([None, wide.shape[1]], tf.int64),
                  "I": tf.TensorSpec([None, numeric.shape[1]], tf.float32),
                  **{c: tf.TensorSpec([None], tf.int64) for c in prep.CATEGORICAL}},
                 tf.TensorSpec([None], tf.float32))

    def batches(w, e, x, y, size):
        def generate():
            for lo in range(0, len(w), size):
                hi = lo + size
                yield features(w[lo:hi], e[lo:hi], x[lo:hi]), (y[lo:hi] if y is not None else np.zeros(0, np.float32))
        return generate

    def train_input():
        return tf.data.Dataset.from_generator(batches(wide, embed, numeric, labels, args.batch_size),
                                              output_signature=signature).prefetch(2)

    timer = StepTimer()
    start = time.perf_counter()
    estimator.train(train_input, hooks=[timer])
    wall_seconds = time.perf_counter() - start
    timed_examples = len(labels) - args.batch_size      # the first step is not timed
    train_seconds = timer.last_end - timer.first_end

    v_labels, v_wide, v_embed, v_numeric = valid

    def valid_input():
        return tf.data.Dataset.from_generator(batches(v_wide, v_embed, v_numeric, None, 4096),
                                              output_signature=signature).map(lambda x, _: x)

    start = time.perf_counter()
    scores = np.array([p["logistic"][0] for p in estimator.predict(valid_input, predict_keys=["logistic"])])
    valid_seconds = time.perf_counter() - start
    prep.report(f"tensorflow {tf.__version__} DNNLinearCombinedClassifier", args, len(labels), prep_seconds,
                train_seconds, timed_examples, wall_seconds, v_labels, scores, valid_seconds)


if __name__ == "__main__":
    main()
