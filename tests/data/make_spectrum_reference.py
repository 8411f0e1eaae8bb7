"""Writes tests/data/torch_spectrum.json, read by tests/spectrum/torch.rs: PyTorch's loss, exact
Hessian eigenvalues and full-batch Adam training of a 16-20-12-6 tanh network (670 parameters;
softmax cross-entropy, float64) on a seeded synthetic data set of 300 rows x 16 features in 6
classes.

- "points": at the initial θ (PyTorch's own nn.Linear initialisation from SEED) and after 10
  and 50 Adam steps (lr 0.01): the step, the loss, θ and every eigenvalue of the exact Hessian
  (torch.autograd.functional.hessian, then eigvalsh), ascending.
- "losses": the loss before each of the 51 Adam steps' updates (step 0 the initial θ).

θ is flattened in nn.Linear order: per layer the weight (out x in, row-major), then the bias.
The network is small enough that the test can build its dense Hessian and all its eigenvalues
within seconds in the debug profile, and large enough (670 parameters, 7x the 90 Lanczos steps)
that stochastic Lanczos quadrature is an estimate, not an exact decomposition.

Run with the project's PyTorch environment (tests never need PyTorch):

    /work/torchenv/bin/python tests/data/make_spectrum_reference.py
"""
import json
import math
import os
import random

import torch

WIDTHS = [16, 20, 12, 6]
ROWS = 300
SEED = 2024
STEPS = [0, 10, 50]
LR = 0.01
WD = 0.0


def make_data():
    """Six Gaussian blobs in 16-D, centres uniform in [-1, 1], spread 0.6; features rounded to
    4 decimals so that the JSON stays small and the numbers are exact in both languages."""
    rng = random.Random(SEED)
    classes = WIDTHS[-1]
    centres = [[rng.uniform(-1.0, 1.0) for _ in range(WIDTHS[0])] for _ in range(classes)]
    x, labels = [], []
    for i in range(ROWS):
        y = i % classes
        x.append([round(c + rng.gauss(0.0, 0.6), 4) for c in centres[y]])
        labels.append(y)
    return x, labels


def make_net():
    layers = []
    for k, (i, o) in enumerate(zip(WIDTHS[:-1], WIDTHS[1:])):
        layers.append(torch.nn.Linear(i, o))
        if k < len(WIDTHS) - 2:
            layers.append(torch.nn.Tanh())
    return torch.nn.Sequential(*layers)


def flat(net):
    return torch.cat([p.detach().reshape(-1) for p in net.parameters()])


def loss_of_theta(theta, x, y):
    """The loss as a function of the flat θ (for the exact Hessian)."""
    a, off = x, 0
    for k, (i, o) in enumerate(zip(WIDTHS[:-1], WIDTHS[1:])):
        w = theta[off:off + o * i].reshape(o, i)
        off += o * i
        b = theta[off:off + o]
        off += o
        a = a @ w.T + b
        if k < len(WIDTHS) - 2:
            a = torch.tanh(a)
    loss = torch.nn.functional.cross_entropy(a, y)
    return loss + 0.5 * WD * (theta * theta).sum()


def main():
    torch.set_default_dtype(torch.float64)
    torch.manual_seed(SEED)
    xs, labels = make_data()
    x = torch.tensor(xs)
    y = torch.tensor(labels)
    net = make_net()
    opt = torch.optim.Adam(net.parameters(), lr=LR)
    points, losses = [], []
    for step in range(max(STEPS) + 1):
        if step in STEPS:
            theta = flat(net)
            loss = loss_of_theta(theta, x, y).item()
            h = torch.autograd.functional.hessian(lambda t: loss_of_theta(t, x, y), theta)
            eig = torch.linalg.eigvalsh(0.5 * (h + h.T))
            points.append({"step": step, "loss": loss, "theta": theta.tolist(),
                           "eigenvalues": eig.tolist()})
            print(f"step {step}: loss {loss:.6f}, eig [{eig[0]:.4g}, {eig[-1]:.4g}]")
        opt.zero_grad()
        out = net(x)
        loss = torch.nn.functional.cross_entropy(out, y)
        losses.append(loss.item())
        loss.backward()
        opt.step()
    doc = {"widths": WIDTHS, "weight_decay": WD, "lr": LR, "seed": SEED,
           "torch": torch.__version__, "x": xs, "labels": labels, "points": points,
           "losses": losses}
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_spectrum.json")
    with open(out, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
    print(f"wrote {out}: {os.path.getsize(out)} bytes")
    assert all(math.isfinite(v) for p in points for v in p["eigenvalues"])


if __name__ == "__main__":
    main()
