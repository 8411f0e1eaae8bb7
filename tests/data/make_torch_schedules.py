"""Makes torch_schedules.json: the learning rate (and OneCycle's momentum or beta1) that each
optimizer step uses under each torch.optim.lr_scheduler schedule losscape offers, in PyTorch's
usual loop (optimizer.step(); scheduler.step()). Run with PyTorch installed:

    python tests/data/make_torch_schedules.py > tests/data/torch_schedules.json
"""
import json
import warnings

import torch
from torch.optim import lr_scheduler as S

warnings.simplefilter("ignore")
torch.set_default_dtype(torch.float64)

STEPS = 120

# (losscape optimizer, losscape schedule SPEC, torch optimizer factory, torch scheduler factory)
CASES = [
    ("gd:lr=0.1", "step:step_size=7", lambda p: torch.optim.SGD(p, lr=0.1),
     lambda o: S.StepLR(o, step_size=7)),
    ("gd:lr=0.3", "step:step_size=25,gamma=0.5", lambda p: torch.optim.SGD(p, lr=0.3),
     lambda o: S.StepLR(o, step_size=25, gamma=0.5)),
    ("adam:lr=0.05", "exponential:gamma=0.97", lambda p: torch.optim.Adam(p, lr=0.05),
     lambda o: S.ExponentialLR(o, gamma=0.97)),
    ("gd:lr=0.1", "cosine:t_max=50", lambda p: torch.optim.SGD(p, lr=0.1),
     lambda o: S.CosineAnnealingLR(o, T_max=50)),
    ("gd:lr=0.1", "cosine:t_max=33,eta_min=0.01", lambda p: torch.optim.SGD(p, lr=0.1),
     lambda o: S.CosineAnnealingLR(o, T_max=33, eta_min=0.01)),
    ("momentum:lr=0.02", "cosine-restarts:t_0=10", lambda p: torch.optim.SGD(p, lr=0.02, momentum=0.9),
     lambda o: S.CosineAnnealingWarmRestarts(o, T_0=10)),
    ("gd:lr=0.2", "cosine-restarts:t_0=7,t_mult=2,eta_min=0.001", lambda p: torch.optim.SGD(p, lr=0.2),
     lambda o: S.CosineAnnealingWarmRestarts(o, T_0=7, T_mult=2, eta_min=0.001)),
    ("gd:lr=0.5", "linear", lambda p: torch.optim.SGD(p, lr=0.5),
     lambda o: S.LinearLR(o)),
    ("adam:lr=0.1", "linear:start_factor=0.1,end_factor=0.5,total_iters=40", lambda p: torch.optim.Adam(p, lr=0.1),
     lambda o: S.LinearLR(o, start_factor=0.1, end_factor=0.5, total_iters=40)),
    ("gd:lr=0.01", "onecycle:max_lr=0.5,total_steps=120", lambda p: torch.optim.SGD(p, lr=0.01),
     lambda o: S.OneCycleLR(o, max_lr=0.5, total_steps=120)),
    ("rmsprop:lr=0.01", "onecycle:max_lr=0.1,total_steps=150,pct_start=0.25,anneal_strategy=linear",
     lambda p: torch.optim.RMSprop(p, lr=0.01),
     lambda o: S.OneCycleLR(o, max_lr=0.1, total_steps=150, pct_start=0.25, anneal_strategy="linear")),
    ("adam:lr=0.01", "onecycle:max_lr=0.2,total_steps=120,three_phase=true,div_factor=10,final_div_factor=100",
     lambda p: torch.optim.Adam(p, lr=0.01),
     lambda o: S.OneCycleLR(o, max_lr=0.2, total_steps=120, three_phase=True, div_factor=10.0,
                            final_div_factor=100.0)),
    ("adagrad:lr=0.1", "onecycle:max_lr=1,total_steps=130,cycle_momentum=false",
     lambda p: torch.optim.Adagrad(p, lr=0.1),
     lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=130, cycle_momentum=False)),
    ("nadam:lr=0.01", "onecycle:max_lr=0.05,total_steps=120,base_momentum=0.8,max_momentum=0.9",
     lambda p: torch.optim.NAdam(p, lr=0.01),
     lambda o: S.OneCycleLR(o, max_lr=0.05, total_steps=120, base_momentum=0.8, max_momentum=0.9)),
]


def main():
    cases = []
    for optimizer, schedule, make_opt, make_sched in CASES:
        p = torch.zeros(2, requires_grad=True)
        opt = make_opt([p])
        sched = make_sched(opt)
        lrs, momenta = [], []
        for _ in range(STEPS):
            group = opt.param_groups[0]
            lrs.append(float(group["lr"]))
            if "betas" in group:
                momenta.append(float(group["betas"][0]))
            else:
                momenta.append(float(group.get("momentum", 0.0)))
            opt.zero_grad()
            loss = (p * p).sum() + p.sum()
            loss.backward()
            opt.step()
            sched.step()
        cases.append({"optimizer": optimizer, "schedule": schedule, "lr": lrs,
                      "momentum_or_beta1": momenta})
    json.dump({"generator": f"torch {torch.__version__}, float64", "steps": STEPS,
               "cases": cases}, __import__("sys").stdout, indent=1)


if __name__ == "__main__":
    main()
