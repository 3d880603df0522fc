"""Records PyTorch's and optax's optimizers as golden trajectories.

Writes tests/optimizers/goldens.json; the tests read it and never import
PyTorch or optax. Run from the repository root, with torch 2.13 (installed
by `make install-backends`) and optax (`pip install optax jax`):

    python scripts/generate_optimizer_goldens.py

Sources, each run on the seeded problem of tests/optimizers/_support.py
(`QuadraticProblem`: the gradients are computed in NumPy from the current
weights, so every library sees the same gradient function):

- `radam_*`: `torch.optim.RAdam(lr, betas, eps)` (weight_decay=0), 100 steps.
- `adamw_one_cycle`: `torch.optim.AdamW` under
  `torch.optim.lr_scheduler.OneCycleLR(..., cycle_momentum=True)`, which sets
  the rate and `betas[0]` before each step; 100 steps.
- `one_cycle_momentum_*`: the `betas[0]` that OneCycleLR sets before each of
  its `total_steps` optimizer steps (value `t` is the one used by update `t`,
  counted from 0, as tests/schedules/goldens.json counts rates).
- `lookahead_*`: `optax.lookahead(inner, sync_period, slow_step_size)` with
  `optax.sgd(lr, momentum)` or `optax.adam(lr, b1, b2, eps)` inside, from
  `optax.LookaheadParams.init_synced`; the fast parameters (what a Keras model
  holds) after each of 100 steps.

Each case stores its arguments, so the test builds the same optimizer.
"""

import json
import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "tests" / "optimizers" / "goldens.json"
STEPS = 100

from tests.optimizers._support import QuadraticProblem  # noqa: E402


def _as_lists(history):
    return [
        [np.asarray(v, dtype="float32").ravel().tolist() for v in step]
        for step in history
    ]


def torch_trajectory(make_optimizer, make_scheduler=None):
    import torch

    problem = QuadraticProblem(0)
    params = [torch.nn.Parameter(torch.tensor(v.copy())) for v in problem.initial]
    optimizer = make_optimizer(params)
    scheduler = make_scheduler(optimizer) if make_scheduler else None
    history = []
    for step in range(STEPS):
        values = [p.detach().numpy().copy() for p in params]
        for p, g in zip(params, problem.gradients(values, step)):
            p.grad = torch.tensor(g)
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        history.append([p.detach().numpy().copy() for p in params])
    return _as_lists(history)


def one_cycle_momenta(total_steps, **kwargs):
    import torch

    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.Adam([param], lr=0.1)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=0.1, total_steps=total_steps, cycle_momentum=True, **kwargs
    )
    values = []
    for _ in range(total_steps):
        values.append(float(optimizer.param_groups[0]["betas"][0]))
        param.grad = torch.ones_like(param)
        optimizer.step()
        scheduler.step()
    return values


def optax_lookahead(inner, sync_period, slow_step_size):
    import jax.numpy as jnp
    import optax

    problem = QuadraticProblem(0)
    optimizer = optax.lookahead(inner, sync_period, slow_step_size)
    params = optax.LookaheadParams.init_synced(
        [jnp.asarray(v) for v in problem.initial]
    )
    state = optimizer.init(params)
    history = []
    for step in range(STEPS):
        values = [np.asarray(v) for v in params.fast]
        grads = [jnp.asarray(g) for g in problem.gradients(values, step)]
        updates, state = optimizer.update(grads, state, params)
        params = optax.apply_updates(params, updates)
        history.append([np.asarray(v) for v in params.fast])
    return _as_lists(history)


def radam_cases():
    import torch

    cases = {}
    for name, kwargs in {
        "radam_defaults": dict(
            learning_rate=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-8
        ),
        "radam_fast": dict(learning_rate=0.05, beta_1=0.8, beta_2=0.95, epsilon=1e-6),
    }.items():
        history = torch_trajectory(
            lambda p, k=kwargs: torch.optim.RAdam(
                p,
                lr=k["learning_rate"],
                betas=(k["beta_1"], k["beta_2"]),
                eps=k["epsilon"],
                weight_decay=0,
            )
        )
        cases[name] = {"kwargs": kwargs, "trajectory": history}
    return cases


def adamw_one_cycle_case():
    import torch

    cycle = dict(
        total_steps=STEPS, pct_start=0.25, div_factor=10.0, final_div_factor=100.0
    )
    momentum = dict(base_momentum=0.8, max_momentum=0.95)
    adamw = dict(beta_2=0.99, epsilon=1e-8, weight_decay=0.01)
    history = torch_trajectory(
        lambda p: torch.optim.AdamW(
            p,
            lr=0.05,
            betas=(0.95, adamw["beta_2"]),
            eps=adamw["epsilon"],
            weight_decay=adamw["weight_decay"],
        ),
        lambda o: torch.optim.lr_scheduler.OneCycleLR(
            o, max_lr=0.05, cycle_momentum=True, **cycle, **momentum
        ),
    )
    return {
        "adamw_one_cycle": {
            "kwargs": dict(
                maximal_learning_rate=0.05, cycle=cycle, momentum=momentum, adamw=adamw
            ),
            "trajectory": history,
        }
    }


def momentum_cases():
    configs = {
        "one_cycle_momentum_defaults": dict(total_steps=100),
        "one_cycle_momentum_fractional_turn": dict(
            total_steps=37, pct_start=0.25, base_momentum=0.8, max_momentum=0.97
        ),
        "one_cycle_momentum_linear": dict(
            total_steps=50, pct_start=0.33, anneal_strategy="linear"
        ),
    }
    return {
        name: {"kwargs": kwargs, "values": one_cycle_momenta(**kwargs)}
        for name, kwargs in configs.items()
    }


def lookahead_cases():
    import optax

    inners = {
        "sgd": (
            dict(learning_rate=0.02, momentum=0.9),
            lambda k: optax.sgd(k["learning_rate"], momentum=k["momentum"]),
        ),
        "adam": (
            dict(learning_rate=0.02, beta_1=0.9, beta_2=0.99, epsilon=1e-8),
            lambda k: optax.adam(
                k["learning_rate"], b1=k["beta_1"], b2=k["beta_2"], eps=k["epsilon"]
            ),
        ),
    }
    cases = {}
    for inner_name, (kwargs, make) in inners.items():
        for sync_period in (1, 5, 6):
            cases[f"lookahead_{inner_name}_k{sync_period}"] = {
                "kwargs": dict(
                    inner=inner_name,
                    inner_kwargs=kwargs,
                    sync_period=sync_period,
                    slow_step_size=0.5,
                ),
                "trajectory": optax_lookahead(make(kwargs), sync_period, 0.5),
            }
    return cases


def main():
    import optax
    import torch

    goldens = {
        "sources": {"torch": torch.__version__, "optax": optax.__version__},
        "cases": {
            **radam_cases(),
            **adamw_one_cycle_case(),
            **momentum_cases(),
            **lookahead_cases(),
        },
    }
    OUT.write_text(json.dumps(goldens) + "\n")
    print(f"wrote {OUT} ({len(goldens['cases'])} cases)")


if __name__ == "__main__":
    main()
