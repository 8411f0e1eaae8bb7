"""PyTorch doing the work of

    losscape spectrum --dataset digits --net 64-256-256-10 --train adam:lr=0.01 \
        --train-steps 20 --at 20

a 64-256-256-10 tanh network on the 1797 digits shipped with losscape (pixels / 16), 20 Adam
steps at lr 0.01, then stochastic Lanczos quadrature with 90 Lanczos steps x 10 Rademacher
probes, each step a double-backward Hessian-vector product (PyHessian's way), full
reorthogonalisation. Two threads, float64. Prints the time per Hessian-vector product and the
whole quadrature's; time the whole process with /usr/bin/time or hyperfine.

Run from the repository's root:  python benches/torch_spectrum.py   (needs torch)
"""
import csv
import gzip
import time

import torch

WIDTHS = [64, 256, 256, 10]
ROWS = 1797
STEPS = 90
PROBES = 10


def main():
    torch.set_num_threads(2)
    torch.set_default_dtype(torch.float64)
    torch.manual_seed(0)
    with gzip.open("assets/data/digits.csv.gz", "rt") as f:
        rows = [[float(v) for v in row] for row in csv.reader(f) if row]
    x = torch.tensor([r[:-1] for r in rows]) / 16.0
    y = torch.tensor([int(r[-1]) for r in rows])
    assert x.shape == (ROWS, WIDTHS[0])
    layers = []
    for k, (i, o) in enumerate(zip(WIDTHS[:-1], WIDTHS[1:])):
        layers.append(torch.nn.Linear(i, o))
        if k < len(WIDTHS) - 2:
            layers.append(torch.nn.Tanh())
    net = torch.nn.Sequential(*layers)
    params = list(net.parameters())
    opt = torch.optim.Adam(params, lr=0.01)
    for _ in range(20):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(x), y).backward()
        opt.step()
    n = sum(p.numel() for p in params)
    print(f"{n} parameters, {ROWS} rows, {torch.get_num_threads()} threads")

    start = time.perf_counter()
    loss = torch.nn.functional.cross_entropy(net(x), y)
    grads = torch.autograd.grad(loss, params, create_graph=True)
    flat_grad = torch.cat([g.reshape(-1) for g in grads])

    def hvp(v):
        gv = (flat_grad * v).sum()
        hv = torch.autograd.grad(gv, params, retain_graph=True)
        return torch.cat([h.reshape(-1) for h in hv])

    hvp_time, hvps = 0.0, 0
    extremes = []
    for _ in range(PROBES):
        z = torch.randint(0, 2, (n,)).double() * 2 - 1
        q = z / z.norm()
        basis = torch.empty(n, STEPS)
        basis[:, 0] = q
        alpha, beta = [], []
        for j in range(STEPS):
            t = time.perf_counter()
            w = hvp(q)
            hvp_time += time.perf_counter() - t
            hvps += 1
            a = torch.dot(w, q)
            alpha.append(a.item())
            Q = basis[:, :j + 1]
            for _ in range(2):
                w = w - Q @ (Q.T @ w)
            if j + 1 == STEPS:
                break
            b = w.norm()
            beta.append(b.item())
            q = w / b
            basis[:, j + 1] = q
        t = torch.diag(torch.tensor(alpha)) + torch.diag(torch.tensor(beta), 1) \
            + torch.diag(torch.tensor(beta), -1)
        ev = torch.linalg.eigvalsh(t)
        extremes.append((ev[0].item(), ev[-1].item()))
    total = time.perf_counter() - start
    print(f"SLQ {PROBES} probes x {STEPS} steps: {total:.2f} s total, "
          f"{1e3 * hvp_time / hvps:.1f} ms per HVP ({hvps} HVPs)")
    print(f"lambda_min {min(e[0] for e in extremes):.6g}, "
          f"lambda_max {max(e[1] for e in extremes):.6g}")


if __name__ == "__main__":
    main()
