#!/usr/bin/python3
"""tools/export_keras.py against stand-ins for Keras layers (Keras is not packaged here).

The stand-ins have what the exporter reads from real ones: the class name, get_config() and
get_weights() returning float32 arrays in Keras' order (kernel, recurrent_kernel, bias). Each
golden case's model.json is already in that layout, so stand-ins built from it must export to
the same layers and the same float32 weights, bit for bit. A hand-made model covers the
variants the golden cases lack, and refusals come back as one clear ExportError each. With
--edgernn, every exported file must also pass `edgernn convert`.

Usage: /usr/bin/python3 test_export_keras.py [--edgernn BUILD/tools/edgernn]
Exit 77 (ctest: skipped) when this Python has no numpy.
"""

import argparse
import glob
import json
import os
import stat
import subprocess
import sys
import tempfile

try:
    import numpy as np
except ImportError:
    print(f"SKIPPED: {sys.executable} cannot import numpy (apt-get install python3-numpy)")
    sys.exit(77)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
from export_keras import ExportError, export  # noqa: E402

GOLDEN = os.path.join(HERE, "..", "data", "golden")


class _Layer:
    def __init__(self, weights=(), **config):
        self._weights = [np.asarray(w, dtype=np.float32) for w in weights]
        self._config = config
        self.name = type(self).__name__.lower()

    def get_config(self):
        return dict(self._config)

    def get_weights(self):
        return list(self._weights)


# Named as Keras names them: the exporter goes by the class name.
class InputLayer(_Layer): pass  # noqa: E701
class Dropout(_Layer): pass  # noqa: E701
class Dense(_Layer): pass  # noqa: E701
class Activation(_Layer): pass  # noqa: E701
class SimpleRNN(_Layer): pass  # noqa: E701
class LSTM(_Layer): pass  # noqa: E701
class GRU(_Layer): pass  # noqa: E701
class Conv1D(_Layer): pass  # noqa: E701


class TimeDistributed(_Layer):
    def __init__(self, layer):
        super().__init__()
        self.layer = layer


class Bidirectional(_Layer):
    pass


class Model:
    def __init__(self, layers):
        self.layers = layers


def gates(config=None):
    return dict({"activation": "tanh", "recurrent_activation": "sigmoid",
                 "go_backwards": False}, **(config or {}))


def stand_ins(golden):
    """Keras stand-in layers holding a golden model.json's arrays."""
    layers = [InputLayer()]
    for l in golden["layers"]:
        w = l["weights"]
        if l["type"] == "dense":
            layers.append(Dense(w, activation=l["activation"] or "linear"))
        elif l["type"] == "simple_rnn":
            layers.append(SimpleRNN(w, **gates({"activation": l["activation"]})))
        elif l["type"] == "lstm":
            layers.append(LSTM(w, **gates()))
        else:
            layers.append(GRU(w, **gates({"reset_after": isinstance(w[2][0], list)})))
    return Model(layers)


def f32(v):
    return np.asarray(v, dtype=np.float32)


def same_layers(got, want, name):
    assert got["in_shape"][-1] == want["in_shape"][-1], f"{name}: in_shape"
    assert len(got["layers"]) == len(want["layers"]), f"{name}: layer count"
    for i, (g, w) in enumerate(zip(got["layers"], want["layers"])):
        where = f"{name} layer {i}"
        assert g["type"] == w["type"], f"{where}: type {g['type']} != {w['type']}"
        assert g["activation"] == w["activation"], f"{where}: activation"
        assert g["shape"][-1] == w["shape"][-1], f"{where}: units"
        assert len(g["weights"]) == len(w["weights"]), f"{where}: weight arrays"
        for k, (a, b) in enumerate(zip(g["weights"], w["weights"])):
            a, b = f32(a), f32(b)
            assert a.shape == b.shape, f"{where} weights[{k}]: shape {a.shape} != {b.shape}"
            assert a.tobytes() == b.tobytes(), f"{where} weights[{k}]: values differ"


def convert(edgernn, text, name, work):
    if edgernn is None:
        return
    js, ern = os.path.join(work, name + ".json"), os.path.join(work, name + ".ern")
    with open(js, "w") as f:
        f.write(text)
    r = subprocess.run([edgernn, "convert", js, "-o", ern], capture_output=True, text=True)
    assert r.returncode == 0, f"{name}: edgernn convert refused it: {r.stderr}"


def refused(model, needle):
    try:
        export(model)
    except ExportError as e:
        assert needle in str(e), f"{e!r} does not mention {needle!r}"
        print(f"refused: {e}")
        return
    raise AssertionError(f"accepted a model it should refuse ({needle})")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--edgernn", help="the edgernn command (optional: also convert each export)")
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="export_keras_") as work:
        return check(args.edgernn, work)


def check(edgernn, work):

    cases = sorted(glob.glob(os.path.join(GOLDEN, "*", "model.json")))
    assert cases, f"no golden cases under {GOLDEN}"
    for path in cases:
        name = os.path.basename(os.path.dirname(path))
        with open(path) as f:
            golden = json.load(f)
        text = export(stand_ins(golden))
        same_layers(json.loads(text), golden, name)
        convert(edgernn, text, name, work)
    print(f"{len(cases)} golden cases: same layers and float32 weights, bit for bit")

    # The variants: TimeDistributed(Dense) with a folded Activation, a GRU with reset_after =
    # False (one bias row), layers without bias, Dropout skipped, a negative zero.
    rng = np.random.default_rng(7)

    def r(*shape):
        return rng.uniform(-1, 1, shape).astype(np.float32)

    k0 = r(2, 3)
    k0[0, 0] = -0.0
    model = Model([InputLayer(), TimeDistributed(Dense([k0, r(3)], activation="linear")),
                   Activation(activation="tanh"),
                   GRU([r(3, 12), r(4, 12), r(12)], **gates({"reset_after": False})),
                   Dropout(rate=0.5),
                   SimpleRNN([r(4, 5), r(5, 5)], **gates({"activation": "relu"})),
                   Dense([r(5, 2)], activation="sigmoid")])
    text = export(model)
    got = json.loads(text)
    layers = got["layers"]
    assert [l["type"] for l in layers] == ["dense", "gru", "simple_rnn", "dense"], text
    assert [l["activation"] for l in layers] == ["tanh", "", "relu", "sigmoid"], text
    assert got["in_shape"] == [None, None, 2]
    assert not isinstance(layers[1]["weights"][2][0], list), "reset_after=False: one bias row"
    assert layers[2]["weights"][2] == [0.0] * 5 and layers[3]["weights"][1] == [0.0] * 2
    assert "[-0.0, " in text and f32(layers[0]["weights"][0]).tobytes() == k0.tobytes()
    convert(edgernn, text, "variants", work)
    print("variants: TimeDistributed, Activation folded, GRU reset_after=False, no bias, -0.0")

    # Where export() writes: a new file gets 0666 less the umask, an existing one keeps its
    # mode, a symbolic link stays one and a FIFO is written in place (a rename would replace
    # each of them with a new file).
    small = Model([Dense([r(2, 1), r(1)], activation="linear")])
    old_mask = os.umask(0o027)
    try:
        new = os.path.join(work, "new.json")
        export(small, new)
        assert os.stat(new).st_mode & 0o7777 == 0o640, oct(os.stat(new).st_mode)
        os.chmod(new, 0o664)
        export(small, new)
        assert os.stat(new).st_mode & 0o7777 == 0o664, oct(os.stat(new).st_mode)
        link = os.path.join(work, "link.json")
        os.symlink("new.json", link)
        os.remove(new)
        export(small, link)
        assert os.path.islink(link) and os.path.isfile(new), os.listdir(work)
        fifo = os.path.join(work, "fifo.json")
        os.mkfifo(fifo)
        reader = subprocess.Popen(["timeout", "10", "cat", fifo], stdout=subprocess.PIPE)
        export(small, fifo)
        got_fifo = reader.communicate()[0].decode()
        assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and '"dense"' in got_fifo, got_fifo
        assert not [f for f in os.listdir(work) if f.endswith(".tmp")], os.listdir(work)
    finally:
        os.umask(old_mask)
    print("files: the umask's mode or the old file's; links and FIFOs kept")

    refused(Model([LSTM([r(2, 8), r(2, 8), r(8)], **gates({"go_backwards": True}))]),
            "go_backwards")
    refused(Model([LSTM([r(2, 8), r(2, 8), r(8)],
                        **gates({"recurrent_activation": "hard_sigmoid"}))]), "hard_sigmoid")
    refused(Model([Bidirectional()]), "Bidirectional is not supported")
    refused(Model([Conv1D()]), "Conv1D is not supported")
    refused(Model([LSTM([r(2, 8), r(2, 8), r(8)], **gates()), Activation(activation="relu")]),
            "must follow a linear Dense")
    refused(Model([Dense([r(2, 3), r(3)], activation="softmax")]), "'softmax' is not supported")
    refused(Model([Dense([r(2, 3), r(3)]), Dense([r(4, 1), r(1)])]), "expects 4 inputs")
    bad = r(2, 1)
    bad[1, 0] = np.nan
    refused(Model([Dense([bad, r(1)], activation="relu")]), "NaN or infinite")
    print("8 refusals")
    return 0


if __name__ == "__main__":
    sys.exit(main())
