#!/usr/bin/python3
"""Export a PyTorch model to edgernn's Keras-layout JSON (then `edgernn convert` it to .ern).

The model is a sequence of modules run one after the other: an nn.Sequential, an nn.ModuleList
or a Python list, each item nn.RNN (tanh or relu), nn.LSTM, nn.GRU (any num_layers, batch_first
or not; inter-layer dropout is off in inference) or nn.Linear, where nn.Tanh, nn.ReLU and
nn.Sigmoid right after an nn.Linear fold into it, and nn.Dropout and nn.Identity are skipped.
Recurrent layers run over the whole sequence and every step's output feeds the next module.

    from export_torch import export
    export([lstm, head], "model.json")        # or export(seq) -> the JSON text

    /usr/bin/python3 tools/export_torch.py model.pt -o model.json   # a torch.save(model) file

Layout (tests/data/golden/README.md): kernels are transposed; LSTM gates i, f, g, o are Keras'
i, f, c, o; GRU gates r, z, n are reordered to z, r, h and bias_ih, bias_hh kept as two rows
(reset_after = true); RNN and LSTM biases are bias_ih + bias_hh.
"""

import argparse
import os
import sys
import tempfile

import torch
from torch import nn


class ExportError(ValueError):
    """The model holds something edgernn cannot run; the message says what and where."""


_FOLDED_ACTIVATIONS = {nn.Tanh: "tanh", nn.ReLU: "relu", nn.Sigmoid: "sigmoid"}
_SKIPPED = (nn.Dropout, nn.Identity)


def _modules(model):
    if isinstance(model, (nn.Sequential, nn.ModuleList, list, tuple)):
        out = []
        for m in model:
            out.extend(_modules(m) if isinstance(m, (nn.Sequential, nn.ModuleList)) else [m])
        return out
    if isinstance(model, (nn.RNN, nn.LSTM, nn.GRU, nn.Linear)):
        return [model]
    if isinstance(model, dict):
        raise ExportError("got a state_dict, which has no architecture: save the model itself "
                          "(torch.save(model, path)) or pass its modules in order")
    raise ExportError(f"cannot export a {type(model).__name__}: pass an nn.Sequential or a list "
                      "of modules in the order they run (e.g. [model.lstm, model.fc])")


def _f32(t):
    """A detached float32 CPU copy."""
    return t.detach().to("cpu", torch.float32)


def _sum_f32(a, b):
    """a + b rounded once to float32 (the sum of two float32 values, exact in float64)."""
    return (a.detach().double() + b.detach().double()).float()


def _recurrent_layers(m, where):
    name = type(m).__name__
    if m.bidirectional:
        raise ExportError(f"{where}: bidirectional {name} cannot run step by step; "
                          "edgernn runs forward-only recurrent layers")
    if getattr(m, "proj_size", 0):
        raise ExportError(f"{where}: LSTM with proj_size={m.proj_size} is not supported")
    h = m.hidden_size
    layers = []
    for k in range(m.num_layers):
        w_ih = _f32(getattr(m, f"weight_ih_l{k}"))  # G·H x In
        w_hh = _f32(getattr(m, f"weight_hh_l{k}"))  # G·H x H
        g = w_ih.shape[0] // h
        zeros = torch.zeros(g * h, dtype=torch.float32)
        b_ih = _f32(getattr(m, f"bias_ih_l{k}")) if m.bias else zeros
        b_hh = _f32(getattr(m, f"bias_hh_l{k}")) if m.bias else zeros
        if isinstance(m, nn.GRU):
            # PyTorch blocks r, z, n -> Keras z, r, h.
            order = torch.cat([torch.arange(h, 2 * h), torch.arange(0, h),
                               torch.arange(2 * h, 3 * h)])
            bias = torch.stack([b_ih[order], b_hh[order]])
            layer = {"type": "gru", "activation": "", "units": h,
                     "weights": [w_ih[order].T, w_hh[order].T, bias]}
        elif isinstance(m, nn.LSTM):
            layer = {"type": "lstm", "activation": "", "units": h,
                     "weights": [w_ih.T, w_hh.T, _sum_f32(b_ih, b_hh)]}
        else:
            if m.nonlinearity not in ("tanh", "relu"):
                raise ExportError(f"{where}: RNN nonlinearity {m.nonlinearity!r} is not supported")
            layer = {"type": "simple_rnn", "activation": m.nonlinearity, "units": h,
                     "weights": [w_ih.T, w_hh.T, _sum_f32(b_ih, b_hh)]}
        layer["inputs"] = w_ih.shape[1]
        layer["where"] = f"{where} layer {k}" if m.num_layers > 1 else where
        layers.append(layer)
    return layers


def _layers(model):
    layers = []
    for i, m in enumerate(_modules(model)):
        where = f"module {i} ({type(m).__name__})"
        if isinstance(m, _SKIPPED):
            continue
        if isinstance(m, (nn.RNN, nn.LSTM, nn.GRU)):
            layers.extend(_recurrent_layers(m, where))
        elif isinstance(m, nn.Linear):
            w = _f32(m.weight)  # Out x In
            b = _f32(m.bias) if m.bias is not None else torch.zeros(w.shape[0], dtype=torch.float32)
            layers.append({"type": "dense", "activation": "", "units": w.shape[0],
                           "inputs": w.shape[1], "weights": [w.T, b], "where": where})
        elif type(m) in _FOLDED_ACTIVATIONS:
            if not layers or layers[-1]["type"] != "dense" or layers[-1]["activation"]:
                raise ExportError(f"{where}: an activation module must follow an nn.Linear "
                                  "(it folds into it); recurrent layers have their own")
            layers[-1]["activation"] = _FOLDED_ACTIVATIONS[type(m)]
        else:
            raise ExportError(f"{where}: {type(m).__name__} is not supported (RNN, LSTM, GRU, "
                              "Linear, Tanh, ReLU, Sigmoid, Dropout, Identity are)")
    if not layers:
        raise ExportError("the model has no layer to export")
    for prev, layer in zip(layers, layers[1:]):
        if layer["inputs"] != prev["units"]:
            raise ExportError(f"{layer['where']}: expects {layer['inputs']} inputs but the "
                              f"module before it gives {prev['units']}")
    for layer in layers:
        for w in layer["weights"]:
            if not torch.isfinite(w).all():
                raise ExportError(f"{layer['where']}: weights hold NaN or infinite values")
    return layers


def _num(v):
    # 9 significant digits read back as the same float32; "-0.0" keeps a negative zero's sign.
    s = "%.9g" % v
    return "-0.0" if s == "-0" else s


def _array(t, indent):
    if t.dim() == 1:
        return "[" + ", ".join(_num(v) for v in t.tolist()) + "]"
    rows = ",\n".join(indent + "  " + _array(r, "") for r in t)
    return "[\n" + rows + "\n" + indent + "]"


def to_json(model):
    """The Keras-layout JSON text of `model` (see the module docstring)."""
    layers = _layers(model)
    parts = []
    for layer in layers:
        ind = "        "
        weights = (",\n" + ind).join(_array(w, ind) for w in layer["weights"])
        parts.append('    {\n      "type": "%s",\n      "activation": "%s",\n'
                     '      "shape": [null, null, %d],\n      "weights": [\n%s%s\n      ]\n    }'
                     % (layer["type"], layer["activation"], layer["units"], ind, weights))
    return ('{\n  "in_shape": [null, null, %d],\n  "layers": [\n%s\n  ]\n}\n'
            % (layers[0]["inputs"], ",\n".join(parts)))


def _write(path, text):
    # All or nothing: a temporary file beside the file `path` names, renamed over it once
    # complete. A new file gets 0666 less the umask and an existing one keeps its mode; a
    # symbolic link stays one (the file it names is replaced); what is not a regular file
    # (/dev/stdout, a FIFO) is written in place, since a rename would replace it.
    if os.path.exists(path) and not os.path.isfile(path):
        with open(path, "w", encoding="ascii") as f:
            f.write(text)
        return
    target = os.path.realpath(path)
    if os.path.exists(target):
        mode = os.stat(target).st_mode & 0o7777
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(target), suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(text)
        os.chmod(tmp, mode)  # mkstemp's 0600 would outlive the rename
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise


def export(model, path=None):
    """Returns the JSON text of `model`; also writes it to `path` if given. Raises ExportError."""
    text = to_json(model)
    if path is not None:
        _write(path, text)
    return text


def main(argv=None):
    p = argparse.ArgumentParser(
        prog="export_torch.py",
        description="Export a torch.save(model) file (an nn.Sequential or a list of RNN, LSTM, "
                    "GRU, Linear and activation modules) to edgernn's Keras-layout JSON.")
    p.add_argument("model", help="file written by torch.save(model)")
    p.add_argument("-o", "--output", required=True, help="JSON file to write")
    args = p.parse_args(argv)
    try:
        try:
            model = torch.load(args.model, map_location="cpu")
        except Exception as e:  # unpickling fails in many ways; report it in one line
            raise ExportError(f"cannot load it with torch.load: {e}".splitlines()[0]) from e
        text = to_json(model)
    except ExportError as e:
        print(f"export_torch.py: {args.model}: {e}", file=sys.stderr)
        return 1
    try:
        _write(args.output, text)
    except OSError as e:  # a missing directory, no permission, a full disk: one line, no file
        print(f"export_torch.py: {args.output}: cannot write it ({e.strerror or e})",
              file=sys.stderr)
        return 1
    print(f"export_torch.py: {args.model} -> {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
