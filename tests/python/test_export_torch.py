#!/usr/bin/python3
"""tools/export_torch.py end to end: random PyTorch models -> JSON -> `edgernn convert` ->
`edgernn run` on a random sequence, against PyTorch's own modules run in float64 on the same
float32 weights and inputs. Tolerance, as for the golden cases: |a - e| <= 1e-5 + 1e-4 |e|
(float32 kernels and the 4e-7 tanh approximation land near 1e-6 here). Also: what the exporter
must refuse, it refuses in one line with a non-zero exit and no output file.

Usage: /usr/bin/python3 test_export_torch.py --edgernn BUILD/tools/edgernn --work DIR
Exit 77 (ctest: skipped) when this Python has no torch.
"""

import argparse
import copy
import os
import subprocess
import sys

try:
    import torch
    from torch import nn
except ImportError:
    print(f"SKIPPED: {sys.executable} cannot import torch (apt-get install python3-torch; "
          "tools/test.sh installs it)")
    sys.exit(77)

TOOLS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools")
sys.path.insert(0, TOOLS)
from export_torch import ExportError, export  # noqa: E402

STEPS = 60


def randomize(modules, gen):
    """Weights large enough that the gates leave their linear range (PyTorch's default init
    keeps them near it, where a wrong gate order would hide): input kernels +-1.5/sqrt(in),
    recurrent +-1.2/sqrt(H), biases +-0.5."""
    for m in modules:
        for name, p in m.named_parameters():
            if name.startswith("weight_hh"):
                a = 1.2 / p.shape[1] ** 0.5
            elif name.startswith("weight"):
                a = 1.5 / p.shape[1] ** 0.5
            else:
                a = 0.5
            with torch.no_grad():
                p.copy_((torch.rand(p.shape, generator=gen) * 2 - 1) * a)


def run_torch(modules, x):
    """The modules' own forward passes over x (T x I), one sequence, in x's dtype."""
    y = x.unsqueeze(1)  # T x 1 x I
    for m in modules:
        if isinstance(m, (nn.RNN, nn.LSTM, nn.GRU)):
            out, _ = m(y.transpose(0, 1) if m.batch_first else y)
            y = out.transpose(0, 1) if m.batch_first else out
        else:
            y = m(y)
    return y[:, 0, :]


def write_csv(path, rows):
    with open(path, "w") as f:
        for r in rows:
            f.write(",".join("%.9g" % v for v in r) + "\n")


def read_csv(path):
    with open(path) as f:
        return [[float(v) for v in line.split(",")] for line in f if line.strip()]


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stderr}")
    return r


def check_model(name, modules, in_size, seed, edgernn, work):
    gen = torch.Generator().manual_seed(seed)
    randomize(modules, gen)
    for m in modules:
        m.eval()
    x32 = ((torch.rand(STEPS, in_size, generator=gen) * 2 - 1) * 2).float()

    base = os.path.join(work, name)
    pt, js, ern, inp, outp = (base + s for s in (".pt", ".json", ".ern", ".in.csv", ".out.csv"))
    torch.save(modules, pt)
    run([sys.executable, os.path.join(TOOLS, "export_torch.py"), pt, "-o", js])
    with open(js) as f:
        assert f.read() == export(modules), f"{name}: the script and export() disagree"
    run([edgernn, "convert", js, "-o", ern])
    write_csv(inp, x32.tolist())
    run([edgernn, "run", ern, "--input", inp, "--output", outp])
    got = torch.tensor(read_csv(outp), dtype=torch.float64)

    with torch.no_grad():
        expected = run_torch([copy.deepcopy(m).double() for m in modules], x32.double())
        torch32 = run_torch(modules, x32).double()
    assert got.shape == expected.shape, f"{name}: got {got.shape}, expected {expected.shape}"
    err = (got - expected).abs()
    tol = 1e-5 + 1e-4 * expected.abs()
    worst = (err / tol).max().item()
    floor = (torch32 - expected).abs().max().item()
    print(f"{name}: {STEPS} steps x {expected.shape[1]} outputs, "
          f"max |a-e| = {err.max().item():.3g} (PyTorch float32: {floor:.3g}), "
          f"max |a-e|/tol = {worst:.3f}, max |e| = {expected.abs().max().item():.3g}")
    if worst > 1:
        t, j = divmod(int((err / tol).argmax()), expected.shape[1])
        raise AssertionError(f"{name}: step {t} output {j}: edgernn {got[t, j].item():.9g}, "
                             f"PyTorch float64 {expected[t, j].item():.9g}")


def check_refusal(name, modules, needle, work, script=False):
    """export() raises ExportError; with `script`, the script on the saved model also prints
    one line naming the problem, exits 1 and writes nothing."""
    try:
        export(modules)
    except ExportError as err:
        e = err
        assert needle in str(e), f"{name}: {e!r} does not mention {needle!r}"
    else:
        raise AssertionError(f"{name}: export() accepted it")
    if not script:
        print(f"refused {name}: {e}")
        return
    pt, js = os.path.join(work, name + ".pt"), os.path.join(work, name + ".json")
    if os.path.exists(js):
        os.remove(js)
    torch.save(modules, pt)
    r = subprocess.run([sys.executable, os.path.join(TOOLS, "export_torch.py"), pt, "-o", js],
                       capture_output=True, text=True)
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 1, f"{name}: exit {r.returncode}, stderr {r.stderr!r}"
    assert len(lines) == 1 and needle in lines[0], f"{name}: stderr {r.stderr!r}"
    assert not os.path.exists(js), f"{name}: {js} written"
    print(f"refused {name}: {lines[0]}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--edgernn", required=True, help="the edgernn command")
    p.add_argument("--work", required=True, help="scratch directory")
    args = p.parse_args()
    os.makedirs(args.work, exist_ok=True)
    torch.set_num_threads(1)

    check_model("lstm2_batch_first_linear",
                [nn.LSTM(3, 12, num_layers=2, batch_first=True), nn.Linear(12, 2)], 3, 1,
                args.edgernn, args.work)
    check_model("gru_linear_sigmoid", [nn.GRU(2, 9), nn.Linear(9, 3), nn.Sigmoid()], 2, 2,
                args.edgernn, args.work)
    check_model("rnn_relu_linear", [nn.RNN(4, 10, nonlinearity="relu"), nn.Linear(10, 1)], 4, 3,
                args.edgernn, args.work)
    check_model("rnn_tanh2_linear", [nn.RNN(1, 7, num_layers=2), nn.Linear(7, 2)], 1, 4,
                args.edgernn, args.work)
    # nn.Sequential (nested), a folded ReLU, a skipped Dropout, layers without bias, a 2-layer
    # GRU with inter-layer dropout (off in eval) and a Linear without activation at the end.
    check_model("sequential_mixed",
                nn.Sequential(nn.Sequential(nn.Linear(3, 6), nn.ReLU()), nn.Dropout(0.5),
                              nn.LSTM(6, 5, bias=False),
                              nn.GRU(5, 4, num_layers=2, dropout=0.3, batch_first=True),
                              nn.Linear(4, 2, bias=False), nn.Tanh()), 3, 5,
                args.edgernn, args.work)

    check_refusal("bidirectional", [nn.LSTM(2, 3, bidirectional=True)], "bidirectional", args.work,
                  script=True)
    check_refusal("proj_size", [nn.LSTM(2, 4, proj_size=2)], "proj_size", args.work)
    check_refusal("unknown_module", [nn.Conv1d(2, 3, 1)], "Conv1d is not supported", args.work,
                  script=True)
    check_refusal("activation_after_lstm", [nn.LSTM(2, 3), nn.Tanh()], "must follow an nn.Linear",
                  args.work)
    check_refusal("sizes_do_not_chain", [nn.GRU(2, 3), nn.Linear(4, 1)], "expects 4 inputs",
                  args.work)
    nan = nn.Linear(2, 1)
    with torch.no_grad():
        nan.weight[0, 1] = float("nan")
    check_refusal("nan_weight", [nan], "NaN or infinite", args.work)
    check_refusal("state_dict", nn.Linear(2, 1).state_dict(), "state_dict", args.work,
                  script=True)
    # A file it cannot write (no such directory): one line naming it, exit 1, no traceback.
    pt = os.path.join(args.work, "writable.pt")
    torch.save(nn.Sequential(nn.GRU(2, 3), nn.Linear(3, 1)), pt)
    missing = os.path.join(args.work, "no_such_dir", "m.json")
    r = subprocess.run([sys.executable, os.path.join(TOOLS, "export_torch.py"), pt, "-o", missing],
                       capture_output=True, text=True)
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 1 and len(lines) == 1, f"exit {r.returncode}, stderr {r.stderr!r}"
    assert missing in lines[0] and "cannot write" in lines[0], lines[0]
    print(f"unwritable output: {lines[0]}")
    print("4 required PyTorch models and 1 mixed model match float64 PyTorch; 7 refusals")
    return 0


if __name__ == "__main__":
    sys.exit(main())
