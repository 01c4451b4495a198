"""A hand-written PyTorch Wide & Deep with wdl's standard Criteo model, for scripts/peers/compare.sh.

Wide: one EmbeddingBag(2^22, 1, sum) over the 44 hashed ids per row (26 categorical values, 13
numeric buckets, 5 crosses) plus a bias. Deep: one Embedding table holding every field's rows
(16 dims, field offsets added to the ids) concatenated with the 13 standardized numerics → ReLU 256
→ ReLU 128 → 1. One summed logistic loss over both parts (wdl's reduction). PyTorch has no FTRL, so
both parts use AdaGrad (lr 0.05, initial accumulator 0.1) with sparse gradients for the two tables,
as the issue's PyTorch row. Batch 512, one epoch, training rows in a seeded shuffled order.

Prints one JSON line: prep seconds (parse + encode), training examples/s (parsing excluded), the
rate with this script's parsing included, validation AUC and logloss, peak RSS.
"""
import argparse
import time

import numpy as np
import torch
from torch import nn

import criteo_prep as prep


class WideDeep(nn.Module):
    def __init__(self, rows, dim=16, numerics=13, hidden=(256, 128)):
        super().__init__()
        self.wide = nn.EmbeddingBag(prep.WIDE_SPACE, 1, mode="sum", sparse=True)
        nn.init.zeros_(self.wide.weight)
        self.bias = nn.Parameter(torch.zeros(1))
        self.embedding = nn.Embedding(int(sum(rows)), dim, sparse=True)
        nn.init.trunc_normal_(self.embedding.weight, std=1 / dim ** 0.5)
        offsets = np.concatenate([[0], np.cumsum(rows)[:-1]])
        self.register_buffer("offsets", torch.tensor(offsets, dtype=torch.int64))
        layers, width = [], len(rows) * dim + numerics
        for h in hidden:
            layers += [nn.Linear(width, h), nn.ReLU()]
            width = h
        layers.append(nn.Linear(width, 1))
        self.tower = nn.Sequential(*layers)

    def forward(self, wide_ids, embed_ids, numeric):
        wide = self.wide(wide_ids).squeeze(1) + self.bias
        e = self.embedding(embed_ids + self.offsets).flatten(1)
        deep = self.tower(torch.cat([e, numeric], dim=1)).squeeze(1)
        return wide + deep

    def sparse_parameters(self):
        return [self.wide.weight, self.embedding.weight]

    def dense_parameters(self):
        return [self.bias] + list(self.tower.parameters())


def main():
    parser = argparse.ArgumentParser()
    prep.add_run_arguments(parser)
    parser.add_argument("--lr", type=float, default=0.05)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    (labels, wide, embed, numeric), valid, layout, prep_seconds = prep.load(args.train, args.valid)
    model = WideDeep(layout.rows)
    optimizers = [
        torch.optim.Adagrad(model.sparse_parameters(), lr=args.lr, initial_accumulator_value=0.1),
        torch.optim.Adagrad(model.dense_parameters(), lr=args.lr, initial_accumulator_value=0.1),
    ]
    loss_fn = nn.BCEWithLogitsLoss(reduction="sum")
    t_labels, t_wide = torch.from_numpy(labels), torch.from_numpy(wide)
    t_embed, t_numeric = torch.from_numpy(embed), torch.from_numpy(numeric)
    order = torch.from_numpy(np.random.default_rng(args.seed).permutation(len(labels)))

    start = time.perf_counter()
    for lo in range(0, len(labels), args.batch_size):
        idx = order[lo:lo + args.batch_size]
        logits = model(t_wide[idx], t_embed[idx], t_numeric[idx])
        loss = loss_fn(logits, t_labels[idx])
        for o in optimizers:
            o.zero_grad(set_to_none=True)
        loss.backward()
        for o in optimizers:
            o.step()
    train_seconds = time.perf_counter() - start

    v_labels, v_wide, v_embed, v_numeric = valid
    with torch.no_grad():
        start = time.perf_counter()
        scores = torch.cat([
            torch.sigmoid(model(torch.from_numpy(v_wide[lo:lo + 4096]), torch.from_numpy(v_embed[lo:lo + 4096]),
                                torch.from_numpy(v_numeric[lo:lo + 4096])))
            for lo in range(0, len(v_labels), 4096)]).numpy()
        valid_seconds = time.perf_counter() - start
    prep.report(f"pytorch {torch.__version__}", args, len(labels), prep_seconds, train_seconds, len(labels),
                train_seconds, v_labels, scores, valid_seconds)


if __name__ == "__main__":
    main()
