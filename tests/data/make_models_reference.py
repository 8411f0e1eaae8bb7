"""Reference numbers for the model surfaces and the networks, computed by PyTorch in float64.

Writes tests/data/torch_models.json, read by tests/models.rs and tests/net.rs:

- "models": trajectories of torch.optim optimizers on the four model losses of SPEC §2
  (linreg, deep-linear, tanh-unit, logreg) over small fixed data sets; each case has the model,
  the data rows, the optimizer SPEC and its torch keyword arguments, the start, the steps and the
  points [x, y, loss] (point 0 the start; the loss evaluated before each update).
- "nets": full-batch training of small tanh MLPs (nn.Linear layers, BCEWithLogitsLoss, plus
  (wd/2)·‖θ‖²) from a saved initial parameter vector (PyTorch's nn.Linear order: per layer the
  weight, row-major, then the bias); each case has the data, the architecture, theta0, the
  gradient and Hessian of the loss at theta0 (autograd), the optimizer, the loss at every step
  and the final parameters.

Run with the project's PyTorch environment:  /work/torchenv/bin/python tests/data/make_models_reference.py
"""

import json
import math
import os

import numpy as np
import torch

torch.set_default_dtype(torch.float64)

# ------------------------------------------------------------------------------------------
# Model surfaces


def model_loss(model, p, rows):
    x, y = p[0], p[1]
    r = torch.tensor(rows)
    if model == "linreg":
        t, u = r[:, 0], r[:, 1]
        return ((x * t + y - u) ** 2).mean() / 2
    if model == "deep-linear":
        t, u = r[:, 0], r[:, 1]
        return ((y * x * t - u) ** 2).mean() / 2
    if model == "tanh-unit":
        t, u = r[:, 0], r[:, 1]
        return ((y * torch.tanh(x * t) - u) ** 2).mean() / 2
    if model == "logreg":
        a, b, label = r[:, 0], r[:, 1], r[:, 2]
        z = x * a + y * b
        return torch.nn.functional.binary_cross_entropy_with_logits(z, label)
    raise ValueError(model)


TU_ROWS = [[-1.0, -1.2], [-0.5, -0.1], [0.0, 0.4], [0.3, 1.1], [0.8, 1.6], [1.0, 2.2], [1.7, 2.9]]
UNSCALED = [[2.0, 2.9], [4.0, 4.1], [5.0, 5.3], [7.0, 6.4], [9.0, 8.4], [10.0, 8.7]]
TANH_ROWS = [[-2.0, -1.4], [-1.0, -1.3], [-0.3, -0.5], [0.2, 0.3], [0.9, 1.2], [1.5, 1.5], [2.0, 1.4]]
LOG_ROWS = [[1.0, 0.5, 1.0], [0.7, 1.2, 1.0], [1.5, -0.2, 1.0], [-0.4, 0.9, 0.0],
            [-1.0, -0.5, 0.0], [-0.8, -1.1, 0.0], [0.3, -0.9, 1.0], [0.2, 0.1, 0.0]]

MODEL_CASES = [
    ("linreg", TU_ROWS, "gd", {"lr": 0.1}, [2.0, -1.0], 60),
    ("linreg", UNSCALED, "momentum", {"lr": 0.005, "momentum": 0.9}, [0.0, 0.0], 80),
    ("linreg", UNSCALED, "adam", {"lr": 0.1}, [0.0, 0.0], 80),
    ("deep-linear", TU_ROWS, "gd", {"lr": 0.2}, [0.05, -0.02], 80),
    ("deep-linear", TU_ROWS, "rmsprop", {"lr": 0.01}, [1.5, -1.2], 60),
    ("deep-linear", TU_ROWS, "newton", {"lr": 0.5}, [1.0, 0.8], 8),
    ("tanh-unit", TANH_ROWS, "adam", {"lr": 0.05}, [0.3, -0.4], 80),
    ("tanh-unit", TANH_ROWS, "nesterov", {"lr": 0.05, "momentum": 0.9}, [-1.0, 0.5], 60),
    ("logreg", LOG_ROWS, "gd", {"lr": 0.5}, [-1.0, 1.0], 80),
    ("logreg", LOG_ROWS, "adagrad", {"lr": 0.3}, [0.0, 0.0], 60),
]


def torch_optimizer(name, params, kw):
    if name == "gd":
        return torch.optim.SGD(params, foreach=False, **kw)
    if name == "momentum":
        return torch.optim.SGD(params, foreach=False, **kw)
    if name == "nesterov":
        return torch.optim.SGD(params, nesterov=True, foreach=False, **kw)
    if name == "adagrad":
        return torch.optim.Adagrad(params, foreach=False, **kw)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, foreach=False, **kw)
    if name == "adam":
        return torch.optim.Adam(params, foreach=False, **kw)
    if name == "adamw":
        return torch.optim.AdamW(params, foreach=False, **kw)
    raise ValueError(name)


def spec_string(name, kw):
    if not kw:
        return name
    return name + ":" + ",".join(f"{k}={v!r}" for k, v in kw.items())


def model_case(model, rows, opt, kw, start, steps):
    p = torch.tensor(start, requires_grad=True)
    points = []
    if opt == "newton":
        for _ in range(steps + 1):
            loss = model_loss(model, p, rows)
            points.append([p[0].item(), p[1].item(), loss.item()])
            g = torch.autograd.grad(loss, p)[0]
            h = torch.autograd.functional.hessian(lambda q: model_loss(model, q, rows), p.detach())
            with torch.no_grad():
                p -= kw["lr"] * torch.linalg.solve(h, g)
        return points[: steps + 1]
    o = torch_optimizer(opt, [p], kw)
    for _ in range(steps + 1):
        o.zero_grad()
        loss = model_loss(model, p, rows)
        points.append([p[0].item(), p[1].item(), loss.item()])
        loss.backward()
        o.step()
    return points


# ------------------------------------------------------------------------------------------
# Networks


def make_net(sizes):
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(torch.nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(torch.nn.Tanh())
    return torch.nn.Sequential(*layers)


def flat(net):
    return torch.cat([p.detach().reshape(-1) for p in net.parameters()]).tolist()


def set_flat(net, theta):
    theta = torch.tensor(theta)
    k = 0
    with torch.no_grad():
        for p in net.parameters():
            n = p.numel()
            p.copy_(theta[k : k + n].reshape(p.shape))
            k += n


def net_loss_of(sizes, X, y, wd):
    """The loss as a function of the flat parameter vector (for autograd's Hessian)."""

    def f(theta):
        k = 0
        h = X
        for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
            w = theta[k : k + a * b].reshape(b, a)
            k += a * b
            bias = theta[k : k + b]
            k += b
            h = h @ w.T + bias
            if i < len(sizes) - 2:
                h = torch.tanh(h)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(h[:, 0], y)
        return loss + 0.5 * wd * (theta**2).sum()

    return f


def net_case(name, sizes, n_points, seed, opt, kw, steps, wd, hessian):
    rng = np.random.default_rng(seed)
    Xn = rng.uniform(-1.5, 1.5, size=(n_points, 2))
    yn = ((Xn[:, 0] ** 2 + 0.8 * Xn[:, 1] - 0.5) > 0).astype(np.float64)
    theta0 = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        bound = 1.0 / math.sqrt(a)
        theta0 += rng.uniform(-bound, bound, size=a * b + b).tolist()
    X = torch.tensor(Xn)
    y = torch.tensor(yn)
    f = net_loss_of(sizes, X, y, wd)
    t0 = torch.tensor(theta0, requires_grad=True)
    grad0 = torch.autograd.grad(f(t0), t0)[0].tolist()
    hess0 = torch.autograd.functional.hessian(f, torch.tensor(theta0)).tolist() if hessian else None

    net = make_net(sizes)
    set_flat(net, theta0)
    o = torch_optimizer(opt, list(net.parameters()), kw)
    losses = []
    for _ in range(steps + 1):
        o.zero_grad()
        out = net(X)[:, 0]
        loss = torch.nn.functional.binary_cross_entropy_with_logits(out, y)
        if wd > 0:
            loss = loss + 0.5 * wd * sum((p**2).sum() for p in net.parameters())
        losses.append(loss.item())
        if len(losses) == steps + 1:
            break
        loss.backward()
        o.step()
    return {
        "id": name,
        "net": "-".join(map(str, sizes)),
        "data": [[a, b, c] for (a, b), c in zip(Xn.tolist(), yn.tolist())],
        "weight_decay": wd,
        "theta0": theta0,
        "grad0": grad0,
        "hessian0": hess0,
        "optimizer": spec_string(opt, kw),
        "steps": steps,
        "losses": losses,
        "theta": flat(net),
    }


def main():
    models = []
    for model, rows, opt, kw, start, steps in MODEL_CASES:
        full_rows = [r if len(r) == 3 else r + [0.0] for r in rows]
        models.append({
            "id": f"{model}/{spec_string(opt, kw)}",
            "model": model,
            "data": rows,
            "optimizer": spec_string(opt, kw),
            "start": start,
            "steps": steps,
            "points": model_case(model, full_rows, opt, kw, start, steps),
        })
    nets = [
        net_case("2-3-1 gd", [2, 3, 1], 30, 1, "gd", {"lr": 0.5}, 30, 0.0, True),
        net_case("2-4-4-1 adam wd", [2, 4, 4, 1], 40, 2, "adam", {"lr": 0.05}, 40, 1e-3, True),
        net_case("2-8-8-1 adam", [2, 8, 8, 1], 60, 3, "adam", {"lr": 0.01}, 25, 0.0, False),
        net_case("2-5-1 momentum", [2, 5, 1], 50, 4, "momentum", {"lr": 0.1, "momentum": 0.9}, 30, 0.0, False),
        net_case("2-6-3-1 rmsprop", [2, 6, 3, 1], 50, 5, "rmsprop", {"lr": 0.01}, 30, 0.0, False),
    ]
    doc = {"torch": torch.__version__, "dtype": "float64", "models": models, "nets": nets}
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_models.json")
    with open(out, "w") as fh:
        json.dump(doc, fh)
    print(f"wrote {out}: {len(models)} model cases, {len(nets)} network cases")


if __name__ == "__main__":
    main()
