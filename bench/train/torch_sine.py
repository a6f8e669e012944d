#!/usr/bin/python3
"""PyTorch baseline for the sine task of `edgernn train --data sine`.

Same task and hyper-parameters: 1000 windows of 50 steps of sin(start + 0.1*i), start uniform
in [0, 2*pi), target the 51st value; first 800 train (shuffled every epoch), last 200
validation; RNN(units) + Linear(1) on the last step; Adam (lr 1e-3, betas 0.9/0.999, eps 1e-7,
the Keras defaults); MSE; batch 32; one thread. Prints one JSON line: seconds (training loop
only, validation included), val_mse, epochs.

Run with Debian's interpreter (python3-torch): /usr/bin/python3 torch_sine.py [--cell rnn]
"""
import argparse
import json
import math
import time

import numpy as np
import torch


def sine_windows(seed, count=1000, steps=50):
    rng = np.random.default_rng(seed)
    start = rng.uniform(0.0, 2.0 * math.pi, size=count)
    i = np.arange(steps + 1)
    series = np.sin(start[:, None] + 0.1 * i[None, :]).astype(np.float32)
    return series[:, :steps, None], series[:, steps:]


class Net(torch.nn.Module):
    def __init__(self, cell, units):
        super().__init__()
        if cell == "simple_rnn":
            self.rnn = torch.nn.RNN(1, units, nonlinearity="relu", batch_first=True)
        elif cell == "lstm":
            self.rnn = torch.nn.LSTM(1, units, batch_first=True)
        else:
            self.rnn = torch.nn.GRU(1, units, batch_first=True)
        self.head = torch.nn.Linear(units, 1)

    def forward(self, x):
        y, _ = self.rnn(x)
        return self.head(y[:, -1, :])


def blas_library():
    """The BLAS shared library this process loaded (OpenBLAS or the slow reference one)."""
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line.lower() and "/" in line}
        return ", ".join(sorted(libs)) or "unknown"
    except OSError:
        return "unknown"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cell", default="simple_rnn", choices=["simple_rnn", "lstm", "gru"])
    ap.add_argument("--units", type=int, default=50)
    ap.add_argument("--epochs", type=int, default=100)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    x, y = sine_windows(args.seed)
    xt, yt = torch.from_numpy(x[:800]), torch.from_numpy(y[:800])
    xv, yv = torch.from_numpy(x[800:]), torch.from_numpy(y[800:])
    net = Net(args.cell, args.units)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    loss_fn = torch.nn.MSELoss()
    gen = torch.Generator().manual_seed(args.seed)

    t0 = time.perf_counter()
    val = float("nan")
    for _ in range(args.epochs):
        perm = torch.randperm(800, generator=gen)
        for b in range(0, 800, args.batch):
            idx = perm[b:b + args.batch]
            opt.zero_grad()
            loss = loss_fn(net(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
        with torch.no_grad():
            val = loss_fn(net(xv), yv).item()
    seconds = time.perf_counter() - t0
    print(json.dumps({"framework": "pytorch " + torch.__version__, "blas": blas_library(),
                      "threads": torch.get_num_threads(), "cell": args.cell,
                      "units": args.units, "seconds": round(seconds, 3), "val_mse": val,
                      "epochs": args.epochs}))


if __name__ == "__main__":
    main()
