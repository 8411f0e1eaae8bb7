"""Writes tests/data/torch_net_dk.json, read by tests/net_dk.rs: PyTorch's loss, gradient,
Hessian and full-batch training of small `D-H[-H...]-K` tanh networks (float64) at parameter
vectors given explicitly, so that the test needs neither PyTorch nor PyTorch's generator.

Each case: the widths, the data (a few made-up rows of D features and integer labels), the
weight decay, theta0 (nn.Linear order: per layer the weight, out x in row-major, then the bias),
the loss, gradient and Hessian at theta0 (torch.autograd.functional.hessian of the loss as a
function of the flat theta), and `steps` steps of a torch.optim optimizer from theta0 (the loss
before each update and the final theta). The loss is nn.CrossEntropyLoss for K >= 2 and
nn.BCEWithLogitsLoss for K = 1 (labels 0/1), plus (wd/2)*||theta||^2.

The case "large-logits" scales the output layer so that the logits reach about 1000:
exp(z) would overflow a float64 without the logsumexp's shift.

Run with the project's PyTorch environment (tests never need PyTorch):

    /work/torchenv/bin/python tests/data/make_net_dk_reference.py
"""
import json
import math
import os
import random

import torch

torch.set_default_dtype(torch.float64)


def made_up(seed, rows, d, k):
    """Rows of D features in [-2, 2] and labels cycling through 0..K-1 (0/1 for K = 1), the
    features rounded to 3 decimals so that both languages read the same numbers."""
    rng = random.Random(seed)
    x = [[round(rng.uniform(-2.0, 2.0), 3) for _ in range(d)] for _ in range(rows)]
    classes = max(k, 2)
    labels = [(i * 7 + 3) % classes for i in range(rows)]
    return x, labels


def made_up_theta(seed, widths, scale_last=1.0):
    """theta drawn as PyTorch's default init would be (uniform +-1/sqrt(in)), by Python's
    generator, rounded to 4 decimals; the output layer optionally scaled."""
    rng = random.Random(seed)
    theta = []
    layers = list(zip(widths[:-1], widths[1:]))
    for n, (i, o) in enumerate(layers):
        bound = 1.0 / math.sqrt(i)
        scale = scale_last if n == len(layers) - 1 else 1.0
        theta += [round(scale * rng.uniform(-bound, bound), 4) for _ in range(o * i + o)]
    return theta


def loss_of(widths, x, y, wd):
    def f(theta):
        a, off = x, 0
        for n, (i, o) in enumerate(zip(widths[:-1], widths[1:])):
            w = theta[off:off + o * i].reshape(o, i)
            off += o * i
            b = theta[off:off + o]
            off += o
            a = a @ w.T + b
            if n < len(widths) - 2:
                a = torch.tanh(a)
        if widths[-1] == 1:
            data = torch.nn.functional.binary_cross_entropy_with_logits(a[:, 0], y.double())
        else:
            data = torch.nn.functional.cross_entropy(a, y)
        return data + 0.5 * wd * (theta * theta).sum()

    return f


def torch_optimizer(name, params, kw):
    if name == "adam":
        return torch.optim.Adam(params, foreach=False, **kw)
    if name == "momentum":
        return torch.optim.SGD(params, foreach=False, **kw)
    if name == "gd":
        return torch.optim.SGD(params, foreach=False, **kw)
    raise ValueError(name)


def spec_string(name, kw):
    return name + (":" + ",".join(f"{k}={v!r}" for k, v in kw.items()) if kw else "")


CASES = [
    # id, widths, rows, data seed, theta seed, output scale, wd, optimizer, kwargs, steps
    ("4-5-3", [4, 5, 3], 7, 1, 2, 1.0, 0.0, "adam", {"lr": 0.05}, 15),
    ("4-5-3-wd", [4, 5, 3], 7, 1, 3, 1.0, 0.01, "momentum", {"lr": 0.1, "momentum": 0.9}, 12),
    ("3-4-4-2", [3, 4, 4, 2], 9, 4, 5, 1.0, 0.0, "adam", {"lr": 0.03}, 10),
    ("3-4-1", [3, 4, 1], 8, 6, 7, 1.0, 0.001, "gd", {"lr": 0.5}, 10),
    ("2-3-4", [2, 3, 4], 10, 8, 9, 1.0, 0.0, "adam", {"lr": 0.05}, 10),
    ("large-logits", [4, 5, 3], 7, 1, 2, 1500.0, 0.0, "gd", {"lr": 1e-7}, 3),
]


def case(cid, widths, rows, dseed, tseed, scale, wd, opt, kw, steps):
    xs, labels = made_up(dseed, rows, widths[0], widths[-1])
    theta0 = made_up_theta(tseed, widths, scale)
    x = torch.tensor(xs)
    y = torch.tensor(labels)
    f = loss_of(widths, x, y, wd)
    t = torch.tensor(theta0, requires_grad=True)
    loss = f(t)
    grad = torch.autograd.grad(loss, t)[0]
    hess = torch.autograd.functional.hessian(f, torch.tensor(theta0))
    p = torch.tensor(theta0, requires_grad=True)
    o = torch_optimizer(opt, [p], kw)
    losses = []
    for _ in range(steps + 1):
        o.zero_grad()
        value = f(p)
        losses.append(value.item())
        if len(losses) == steps + 1:
            break
        value.backward()
        o.step()
    assert all(math.isfinite(v) for v in losses), cid
    print(f"{cid}: loss {loss.item():.6g} -> {losses[-1]:.6g}")
    return {
        "id": cid,
        "net": "-".join(map(str, widths)),
        "x": xs,
        "labels": labels,
        "weight_decay": wd,
        "theta0": theta0,
        "loss0": loss.item(),
        "grad0": grad.tolist(),
        "hessian0": hess.tolist(),
        "optimizer": spec_string(opt, kw),
        "steps": steps,
        "losses": losses,
        "theta": p.detach().tolist(),
    }


def main():
    doc = {"torch": torch.__version__, "cases": [case(*c) for c in CASES]}
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_net_dk.json")
    with open(out, "w") as fh:
        json.dump(doc, fh, separators=(",", ":"))
    print(f"wrote {out}: {os.path.getsize(out)} bytes")


if __name__ == "__main__":
    main()
