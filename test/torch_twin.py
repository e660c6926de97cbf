"""The float64 PyTorch twin of one engine step, for the reference check (src/engine/torch-twin.test.ts).

Imports the train.py that the lab exported for a run, loads the engine's initial weights (raw
little-endian float32 in the lab's parameter order and layout), takes the run's first batch from
the official CIFAR tarball (augmentation off) and prints, as JSON, the mean cross-entropy, the
logits and every parameter's gradient in the lab's layout, all computed in float64.
"""
import argparse
import importlib.util
import json

import torch
import torch.nn.functional as F


def load_module(path):
    spec = importlib.util.spec_from_file_location("lab_train", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_weights(path, shapes):
    raw = open(path, "rb").read()
    flat = torch.frombuffer(bytearray(raw), dtype=torch.float32).to(torch.float64)
    arrays, at = [], 0
    for shape in shapes:
        size = 1
        for d in shape:
            size *= d
        arrays.append(flat[at : at + size])
        at += size
    if at != flat.numel():
        raise SystemExit(f"weights file holds {flat.numel()} values, the model needs {at}")
    return arrays


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--script", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--weights", required=True)
    parser.add_argument("--batch", type=int, required=True)
    args = parser.parse_args()

    torch.set_default_dtype(torch.float64)
    lab = load_module(args.script)
    model = lab.build_model().double()
    shapes = [shape for _, shape in lab.param_specs()]
    lab.set_lab_weights(model, read_weights(args.weights, shapes))
    model.train()

    train_x, train_y, _, _ = lab.load_cifar(args.data)
    n = min(int(lab.CONFIG["trainSize"]), train_x.shape[0])
    order = torch.as_tensor(list(lab.epoch_order(0, n, int(lab.CONFIG["seed"]))[: args.batch]))
    x = lab.normalize(train_x[order], torch.float64)
    y = train_y[order]
    logits = model(x)
    loss = F.cross_entropy(logits, y)
    loss.backward()
    grads = lab.lab_grads(model)
    print(
        json.dumps(
            {
                "loss": loss.item(),
                "logits": logits.detach().flatten().tolist(),
                "grads": [g.detach().flatten().tolist() for g in grads],
            }
        )
    )


if __name__ == "__main__":
    main()
