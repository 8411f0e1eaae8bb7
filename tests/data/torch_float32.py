"""PyTorch float32 runs for tests/batch.rs: the batch kernel's Dtype::Float32 against torch.optim.

Run with a PyTorch install (tests never need it):

    python tests/data/torch_float32.py > tests/data/torch_float32.json

Every run is a 2-element torch.float32 parameter [x, y] stepped by torch.optim (single-tensor
implementation, foreach=False, as on CPU by default). The gradient of each surface is written
here in float32 tensor operations, in the order losscape's surface code writes it
(`Builtin::value_grad_in`), and handed to the optimizer as `p.grad`: so what is compared is
PyTorch's float32 optimizer arithmetic, on a gradient both sides compute the same way. Points are
recorded after the steps in CHECKPOINTS, as the exact float32 values (JSON numbers that read back
as the same double). Runs that diverge are left out.
"""

import json
import math
import sys

import torch

torch.set_default_dtype(torch.float32)

CHECKPOINTS = [1, 2, 3, 10, 50, 200]


def grad_rosenbrock(x, y):
    r = y - x * x
    return -2.0 * (1.0 - x) - 400.0 * x * r, 200.0 * r


def grad_himmelblau(x, y):
    a = x * x + y - 11.0
    b = x + y * y - 7.0
    return 4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b


def grad_escape_saddle(x, y):
    return 2.0 * x, y * (y * y - 1.0)


def grad_six_hump_camel(x, y):
    x2 = x * x
    return 8.0 * x - 8.4 * x2 * x + 2.0 * x2 * x2 * x + y, x - 8.0 * y + 16.0 * y * y * y


SURFACES = {
    "rosenbrock": (grad_rosenbrock, [(-1.5, 2.0), (0.3, -0.7), (1.8, 2.9)]),
    "himmelblau": (grad_himmelblau, [(0.1, 0.3), (-4.0, 4.5), (2.2, -3.3)]),
    "escape-saddle": (grad_escape_saddle, [(1.0, 0.01), (-1.7, 1.9), (0.5, -0.3)]),
    "six-hump-camel": (grad_six_hump_camel, [(-1.1, 0.9), (2.0, -1.0)]),
}

# (losscape name, torch class, torch keyword arguments, losscape params)
OPTIMIZERS = [
    ("gd", torch.optim.SGD, {"lr": 0.001}, {"lr": 0.001}),
    ("momentum", torch.optim.SGD, {"lr": 0.001, "momentum": 0.9}, {"lr": 0.001, "momentum": 0.9}),
    (
        "momentum",
        torch.optim.SGD,
        {"lr": 0.002, "momentum": 0.8, "dampening": 0.5},
        {"lr": 0.002, "momentum": 0.8, "dampening": 0.5},
    ),
    (
        "nesterov",
        torch.optim.SGD,
        {"lr": 0.001, "momentum": 0.9, "nesterov": True},
        {"lr": 0.001, "momentum": 0.9},
    ),
    ("adagrad", torch.optim.Adagrad, {"lr": 0.1}, {"lr": 0.1}),
    ("rmsprop", torch.optim.RMSprop, {"lr": 0.01}, {"lr": 0.01}),
    ("adam", torch.optim.Adam, {"lr": 0.001}, {"lr": 0.001}),
    ("adam", torch.optim.Adam, {"lr": 0.01}, {"lr": 0.01}),
    ("adam", torch.optim.Adam, {"lr": 0.05, "betas": (0.9, 0.99)}, {"lr": 0.05, "beta2": 0.99}),
    # 1 - beta1 > 0.5: the other branch of PyTorch's lerp.
    ("adam", torch.optim.Adam, {"lr": 0.02, "betas": (0.2, 0.999)}, {"lr": 0.02, "beta1": 0.2}),
    ("adam", torch.optim.Adam, {"lr": 0.02, "amsgrad": True}, {"lr": 0.02, "amsgrad": True}),
    (
        "adamw",
        torch.optim.AdamW,
        {"lr": 0.02, "weight_decay": 0.1},
        {"lr": 0.02, "weight-decay": 0.1},
    ),
    ("nadam", torch.optim.NAdam, {"lr": 0.01}, {"lr": 0.01}),
]


def run(grad, make, kwargs, start):
    p = torch.tensor(start, dtype=torch.float32, requires_grad=True)
    opt = make([p], foreach=False, **kwargs)
    points = []
    for step in range(1, CHECKPOINTS[-1] + 1):
        with torch.no_grad():
            gx, gy = grad(p[0], p[1])
            p.grad = torch.stack([gx, gy])
        opt.step()
        if step in CHECKPOINTS:
            points.append([float(v) for v in p.detach()])
    return points


def main():
    cases = []
    for surface, (grad, starts) in SURFACES.items():
        for name, make, kwargs, params in OPTIMIZERS:
            for start in starts:
                start32 = [float(torch.tensor(v, dtype=torch.float32)) for v in start]
                points = run(grad, make, kwargs, start32)
                if not all(math.isfinite(v) for point in points for v in point):
                    # Divergence is held to the float64 scalar path in tests/batch.rs.
                    print(f"skipped (diverged): {surface} {name} {params} {start}", file=sys.stderr)
                    continue
                cases.append(
                    {
                        "surface": surface,
                        "optimizer": name,
                        "params": params,
                        "start": start32,
                        "points": points,
                    }
                )
    json.dump(
        {
            "generator": f"torch {torch.__version__}, float32, tests/data/torch_float32.py",
            "checkpoints": CHECKPOINTS,
            "cases": cases,
        },
        sys.stdout,
        indent=1,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
