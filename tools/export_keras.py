#!/usr/bin/python3
"""Export a Keras model to edgernn's Keras-layout JSON (then: edgernn convert model.json -o m.ern).

Untested against Keras itself: Keras is not packaged for this system. It follows the weight
layouts of Keras 2 and 3 (layer.get_weights(): kernel, recurrent_kernel, bias), and its
mapping is tested with stand-in layer objects (tests/python/test_export_keras.py).

Layers, in model.layers order (a Sequential model, or a functional one that is a plain chain):
SimpleRNN (tanh, relu), LSTM and GRU (activation tanh, recurrent_activation sigmoid; GRU with
reset_after True or False), Dense and TimeDistributed(Dense) (linear, relu, tanh, sigmoid),
Activation right after a linear Dense (folded into it); InputLayer and Dropout are skipped.
Recurrent layers run step by step and return every step: with return_sequences=False, Keras
returns what edgernn gives at the last step.

    from export_keras import export
    export(model, "model.json")                  # or export(model) -> the JSON text

    python3 tools/export_keras.py model.keras -o model.json   # needs keras (or tensorflow)
"""

import argparse
import math
import os
import sys
import tempfile


class ExportError(ValueError):
    """The model holds something edgernn cannot run; the message says what and where."""


_DENSE_ACTIVATIONS = {"linear": "", "relu": "relu", "tanh": "tanh", "sigmoid": "sigmoid"}
_GATES = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}
_SKIPPED = ("InputLayer", "Dropout")


def _activation(config, key, where):
    a = config.get(key, "linear")
    if isinstance(a, dict):  # a serialized function: {"class_name": ..., "config": "tanh"}
        a = a.get("config", a)
    if not isinstance(a, str):
        raise ExportError(f"{where}: {key} {a!r} is not a built-in activation")
    return a


def _matrix(w):
    """Nested lists of Python floats (float32 values, exactly) from an array or nested lists."""
    return w.tolist() if hasattr(w, "tolist") else w


def _dense(layer, where):
    config = layer.get_config()
    act = _activation(config, "activation", where)
    if act not in _DENSE_ACTIVATIONS:
        raise ExportError(f"{where}: Dense activation {act!r} is not supported "
                          "(linear, relu, tanh, sigmoid are)")
    w = layer.get_weights()
    kernel = w[0]
    bias = w[1] if len(w) > 1 else [0.0] * kernel.shape[1]
    return {"type": "dense", "activation": _DENSE_ACTIVATIONS[act], "inputs": kernel.shape[0],
            "units": kernel.shape[1], "weights": [_matrix(kernel), _matrix(bias)]}


def _recurrent(layer, kind, where):
    config = layer.get_config()
    if config.get("go_backwards"):
        raise ExportError(f"{where}: go_backwards=True is not supported (edgernn runs forward)")
    act = _activation(config, "activation", where)
    if kind == "SimpleRNN":
        if act not in ("tanh", "relu"):
            raise ExportError(f"{where}: SimpleRNN activation {act!r} is not supported "
                              "(tanh, relu are)")
    else:
        rec = _activation(config, "recurrent_activation", where)
        if act != "tanh" or rec != "sigmoid":
            raise ExportError(f"{where}: {kind} needs activation tanh and recurrent_activation "
                              f"sigmoid, found {act} and {rec}")
    w = layer.get_weights()
    kernel, recurrent = w[0], w[1]
    units = recurrent.shape[0]
    cols = _GATES[kind] * units
    reset_after = kind == "GRU" and config.get("reset_after", True)
    if len(w) > 2:
        bias = w[2]
    else:  # use_bias=False
        bias = [[0.0] * cols] * 2 if reset_after else [0.0] * cols
    bias = _matrix(bias)
    if kind == "GRU" and reset_after != isinstance(bias[0], list):
        raise ExportError(f"{where}: GRU with reset_after={reset_after} has a bias of the "
                          "other variant")
    layer_type = {"SimpleRNN": "simple_rnn", "LSTM": "lstm", "GRU": "gru"}[kind]
    return {"type": layer_type, "activation": act if kind == "SimpleRNN" else "",
            "inputs": kernel.shape[0], "units": units,
            "weights": [_matrix(kernel), _matrix(recurrent), bias]}


def _layers(model):
    layers = []
    for i, layer in enumerate(getattr(model, "layers", model)):
        kind = type(layer).__name__
        where = f"layer {i} ({getattr(layer, 'name', kind)}: {kind})"
        if kind in _SKIPPED:
            continue
        if kind == "TimeDistributed" and type(layer.layer).__name__ == "Dense":
            layers.append(dict(_dense(layer.layer, where), where=where))
        elif kind == "Dense":
            layers.append(dict(_dense(layer, where), where=where))
        elif kind in _GATES:
            layers.append(dict(_recurrent(layer, kind, where), where=where))
        elif kind == "Activation":
            act = _activation(layer.get_config(), "activation", where)
            if act not in _DENSE_ACTIVATIONS:
                raise ExportError(f"{where}: activation {act!r} is not supported")
            if not layers or layers[-1]["type"] != "dense" or layers[-1]["activation"]:
                raise ExportError(f"{where}: an Activation layer must follow a linear Dense "
                                  "(it folds into it)")
            layers[-1]["activation"] = _DENSE_ACTIVATIONS[act]
        else:
            raise ExportError(f"{where}: {kind} is not supported (SimpleRNN, LSTM, GRU, Dense, "
                              "TimeDistributed(Dense), Activation, InputLayer, Dropout are)")
    if not layers:
        raise ExportError("the model has no layer to export")
    for prev, layer in zip(layers, layers[1:]):
        if layer["inputs"] != prev["units"]:
            raise ExportError(f"{layer['where']}: expects {layer['inputs']} inputs but the "
                              f"layer before it gives {prev['units']}")
    return layers


def _num(v, where):
    if not math.isfinite(v):
        raise ExportError(f"{where}: weights hold NaN or infinite values")
    # 9 significant digits read back as the same float32; "-0.0" keeps a negative zero's sign.
    s = "%.9g" % v
    return "-0.0" if s == "-0" else s


def _array(a, indent, where):
    if not a or not isinstance(a[0], list):
        return "[" + ", ".join(_num(v, where) for v in a) + "]"
    rows = ",\n".join(indent + "  " + _array(r, "", where) for r in a)
    return "[\n" + rows + "\n" + indent + "]"


def to_json(model):
    """The Keras-layout JSON text of `model` (see the module docstring)."""
    layers = _layers(model)
    parts = []
    ind = "        "
    for layer in layers:
        weights = (",\n" + ind).join(_array(w, ind, layer["where"]) for w in layer["weights"])
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
        prog="export_keras.py",
        description="Export a saved Keras model (.keras or .h5) to edgernn's Keras-layout JSON.")
    p.add_argument("model", help="file written by model.save()")
    p.add_argument("-o", "--output", required=True, help="JSON file to write")
    args = p.parse_args(argv)
    try:
        try:
            import keras
        except ImportError:
            try:
                from tensorflow import keras
            except ImportError:
                raise ExportError("neither keras nor tensorflow can be imported") from None
        try:
            model = keras.models.load_model(args.model, compile=False)
        except Exception as e:  # loading fails in many ways; report it in one line
            raise ExportError(f"cannot load it with keras: {e}".splitlines()[0]) from e
        text = to_json(model)
    except ExportError as e:
        print(f"export_keras.py: {args.model}: {e}", file=sys.stderr)
        return 1
    try:
        _write(args.output, text)
    except OSError as e:  # a missing directory, no permission, a full disk: one line, no file
        print(f"export_keras.py: {args.output}: cannot write it ({e.strerror or e})",
              file=sys.stderr)
        return 1
    print(f"export_keras.py: {args.model} -> {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
