"""Records PyTorch's learning-rate schedulers as golden values for the tests.

Writes tests/schedules/goldens.json. The tests read the file and never import
PyTorch. Run from the repository root:

    python scripts/generate_schedule_goldens.py

Step counting. A kerasnotes schedule is called with the optimizer's iteration
count `t`: 0 for the first update, 1 for the second, ... (Keras's
`optimizer.iterations` before the update). A PyTorch scheduler holds the rate
in `optimizer.param_groups[i]["lr"]`: its constructor sets the rate for the
first `optimizer.step()`, and each `scheduler.step()` after an
`optimizer.step()` advances it by one. So the rate PyTorch uses for its
update number `t` (from 0) is the one read just before the `t`-th
`optimizer.step()`, after `t` calls of `scheduler.step()`; that is what this
script records as value `t`, and what our schedule must return at step `t`.
The schedulers are stepped with `scheduler.step()` (no epoch argument), the
incremental path PyTorch recommends.
"""

import json
import pathlib

import torch
from torch.optim import lr_scheduler

ROOT = pathlib.Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "schedules" / "goldens.json"


def record(make_scheduler, lr, steps):
    """The rate used by each of `steps` optimizer updates, from update 0."""
    param = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    optimizer = torch.optim.SGD([param], lr=lr, momentum=0.9)
    scheduler = make_scheduler(optimizer)
    values = []
    for _ in range(steps):
        values.append(float(optimizer.param_groups[0]["lr"]))
        param.grad = torch.ones_like(param)
        optimizer.step()
        scheduler.step()
    return values


# name -> (our class, our kwargs, torch description, scheduler factory, lr, steps)
CASES = {
    "cosine_annealing": (
        "CosineAnnealing",
        dict(initial_learning_rate=0.1, decay_steps=10, min_learning_rate=0.01),
        "CosineAnnealingLR(T_max=10, eta_min=0.01), lr=0.1",
        lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=0.01),
        0.1,
        11,  # PyTorch climbs back up after T_max; ours stays at the minimum.
    ),
    "warm_restarts_t1": (
        "CosineAnnealingWarmRestarts",
        dict(
            initial_learning_rate=0.1,
            first_decay_steps=5,
            t_mul=1.0,
            min_learning_rate=0.001,
        ),
        "CosineAnnealingWarmRestarts(T_0=5, T_mult=1, eta_min=0.001), lr=0.1",
        lambda o: lr_scheduler.CosineAnnealingWarmRestarts(
            o, T_0=5, T_mult=1, eta_min=0.001
        ),
        0.1,
        23,
    ),
    "warm_restarts_t2": (
        "CosineAnnealingWarmRestarts",
        dict(initial_learning_rate=0.05, first_decay_steps=3, t_mul=2.0),
        "CosineAnnealingWarmRestarts(T_0=3, T_mult=2, eta_min=0), lr=0.05",
        lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2),
        0.05,
        200,  # restarts at 3, 9, 21, 45, 93, 189
    ),
    "warm_restarts_t3": (
        "CosineAnnealingWarmRestarts",
        dict(
            initial_learning_rate=0.2,
            first_decay_steps=2,
            t_mul=3.0,
            min_learning_rate=0.002,
        ),
        "CosineAnnealingWarmRestarts(T_0=2, T_mult=3, eta_min=0.002), lr=0.2",
        lambda o: lr_scheduler.CosineAnnealingWarmRestarts(
            o, T_0=2, T_mult=3, eta_min=0.002
        ),
        0.2,
        250,  # restarts at 2, 8, 26, 80, 242
    ),
    "cyclic_triangular": (
        "CyclicalLearningRate",
        dict(
            initial_learning_rate=0.001,
            maximal_learning_rate=0.006,
            step_size=4,
            mode="triangular",
        ),
        "CyclicLR(base_lr=0.001, max_lr=0.006, step_size_up=4, "
        "mode='triangular', cycle_momentum=False)",
        lambda o: lr_scheduler.CyclicLR(
            o,
            base_lr=0.001,
            max_lr=0.006,
            step_size_up=4,
            mode="triangular",
            cycle_momentum=False,
        ),
        0.001,
        30,
    ),
    "cyclic_triangular2": (
        "CyclicalLearningRate",
        dict(
            initial_learning_rate=0.01,
            maximal_learning_rate=0.1,
            step_size=3,
            mode="triangular2",
        ),
        "CyclicLR(base_lr=0.01, max_lr=0.1, step_size_up=3, "
        "mode='triangular2', cycle_momentum=False)",
        lambda o: lr_scheduler.CyclicLR(
            o,
            base_lr=0.01,
            max_lr=0.1,
            step_size_up=3,
            mode="triangular2",
            cycle_momentum=False,
        ),
        0.01,
        40,
    ),
    "cyclic_exp_range": (
        "CyclicalLearningRate",
        dict(
            initial_learning_rate=0.002,
            maximal_learning_rate=0.02,
            step_size=5,
            mode="exp_range",
            gamma=0.97,
        ),
        "CyclicLR(base_lr=0.002, max_lr=0.02, step_size_up=5, "
        "mode='exp_range', gamma=0.97, cycle_momentum=False)",
        lambda o: lr_scheduler.CyclicLR(
            o,
            base_lr=0.002,
            max_lr=0.02,
            step_size_up=5,
            mode="exp_range",
            gamma=0.97,
            cycle_momentum=False,
        ),
        0.002,
        40,
    ),
    "one_cycle_cos": (
        "OneCycle",
        dict(maximal_learning_rate=0.1, total_steps=20),
        "OneCycleLR(max_lr=0.1, total_steps=20, cycle_momentum=False)",
        lambda o: lr_scheduler.OneCycleLR(
            o, max_lr=0.1, total_steps=20, cycle_momentum=False
        ),
        0.1,
        20,
    ),
    "one_cycle_linear": (
        "OneCycle",
        dict(
            maximal_learning_rate=0.2,
            total_steps=25,
            pct_start=0.25,
            div_factor=10.0,
            final_div_factor=100.0,
            anneal_strategy="linear",
        ),
        "OneCycleLR(max_lr=0.2, total_steps=25, pct_start=0.25, "
        "div_factor=10, final_div_factor=100, anneal_strategy='linear', "
        "cycle_momentum=False)",
        lambda o: lr_scheduler.OneCycleLR(
            o,
            max_lr=0.2,
            total_steps=25,
            pct_start=0.25,
            div_factor=10.0,
            final_div_factor=100.0,
            anneal_strategy="linear",
            cycle_momentum=False,
        ),
        0.2,
        25,
    ),
    "one_cycle_fractional_peak": (
        "OneCycle",
        dict(maximal_learning_rate=0.05, total_steps=17, pct_start=0.4),
        "OneCycleLR(max_lr=0.05, total_steps=17, pct_start=0.4, cycle_momentum=False)",
        lambda o: lr_scheduler.OneCycleLR(
            o, max_lr=0.05, total_steps=17, pct_start=0.4, cycle_momentum=False
        ),
        0.05,
        17,  # peak at 0.4 * 17 - 1 = 5.8, between steps 5 and 6
    ),
    "step_decay": (
        "StepDecay",
        dict(initial_learning_rate=0.1, step_size=3, drop_rate=0.5),
        "StepLR(step_size=3, gamma=0.5), lr=0.1",
        lambda o: lr_scheduler.StepLR(o, step_size=3, gamma=0.5),
        0.1,
        15,
    ),
    "step_decay_tenth": (
        "StepDecay",
        dict(initial_learning_rate=0.3, step_size=7, drop_rate=0.1),
        "StepLR(step_size=7, gamma=0.1), lr=0.3",
        lambda o: lr_scheduler.StepLR(o, step_size=7, gamma=0.1),
        0.3,
        30,
    ),
}


def main():
    cases = {}
    for name, (cls, kwargs, torch_desc, make, lr, steps) in CASES.items():
        cases[name] = {
            "schedule": cls,
            "kwargs": kwargs,
            "torch": f"torch.optim.lr_scheduler.{torch_desc}",
            "values": record(make, lr, steps),
        }
    payload = {
        "generated_by": "scripts/generate_schedule_goldens.py",
        "torch_version": torch.__version__,
        "step": "value t is the rate of optimizer update t (t = 0 first)",
        "cases": cases,
    }
    OUT.write_text(json.dumps(payload, indent=1) + "\n")
    print(f"wrote {OUT} ({len(cases)} cases, torch {torch.__version__})")


if __name__ == "__main__":
    main()
