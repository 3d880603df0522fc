"""The notes' worked examples, run by examples/backprop_221.py and
examples/parameter_count.py, give the notes' numbers.

Golden values: the numbers printed in notes 002 ("Neural Network Forward and
Backward Propagation", steps 1.1 to 2.4) and 003 ("How to Calculate Trainable
Parameters in a Neural Network"), copied here; and the backpropagation of the
2-2-1 network in NumPy float64, written out below from the chain rule.
"""

import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

from tests._examples import load_example

ROOT = pathlib.Path(__file__).parents[2]

# Notes 002 as printed, with the decimals printed.
NOTES_002 = {
    "z2": ([0.52, 0.91], 2),
    "a2": ([0.627, 0.713], 3),
    "yhat": (0.739, 3),
    "dJ/dz3": (-0.0503, 4),
    "dJ/dW2": ([-0.03155, -0.03587], 5),
    "dJ/db2": (-0.0503, 4),
    "W2^T dJ/dz3": ([-0.02515, -0.03018], 5),
}
# Where the notes computed from a value they had already rounded, or
# truncated, their last printed digit is off the exact value: by how many
# units of that digit at most.
NOTES_002_LAST_DIGIT = {
    "z3": (1.0413, 4, 1),  # from a2 = (0.627, 0.713)
    "J": (0.03406, 5, 3),  # from yhat = 0.739; exact 0.03403
    "sigmoid'(z3)": (0.1929, 4, 1),  # from yhat = 0.739
    "sigmoid'(z2)": ([0.2339, 0.2047], 4, 1),  # from a2 = (0.627, 0.713)
    "dJ/dz2": ([-0.00588, -0.00617], 5, 1),  # -0.03018 * 0.2047 = -0.006178
    "dJ/dW1[:, 0]": ([-0.00294, -0.00308], 5, 1),  # -0.00617 * 0.5
    "dJ/db1": ([-0.00588, -0.00617], 5, 1),
}


def closed_form():
    """The 2-2-1 network's forward pass and gradients in float64, by hand."""
    x = np.array([0.5, 0.8])
    w1 = np.array([[0.2, 0.4], [0.3, 0.7]])
    b1 = np.array([0.1, 0.2])
    w2 = np.array([0.5, 0.6])
    b2, y = 0.3, 1.0
    z2 = w1 @ x + b1
    a2 = 1.0 / (1.0 + np.exp(-z2))
    z3 = w2 @ a2 + b2
    a3 = 1.0 / (1.0 + np.exp(-z3))
    d_z3 = (a3 - y) * a3 * (1.0 - a3)  # dJ/dz3 for J = (y - a3)^2 / 2
    d_z2 = w2 * d_z3 * a2 * (1.0 - a2)
    return {
        "z2": z2,
        "a2": a2,
        "z3": z3,
        "yhat": a3,
        "J": 0.5 * (y - a3) ** 2,
        "dJ/dz3": d_z3,
        "dJ/dW2": d_z3 * a2,
        "dJ/db2": d_z3,
        "dJ/dz2": d_z2,
        "dJ/dW1": np.outer(d_z2, x),
        "dJ/db1": d_z2,
    }


@pytest.fixture(scope="module")
def backprop():
    example = load_example("backprop_221")
    return example, example.forward_and_backward(example.build_model())


def test_backprop_gives_the_notes_numbers_to_their_rounding(backprop):
    _, values = backprop
    for name, (notes, decimals) in NOTES_002.items():
        np.testing.assert_array_equal(
            np.round(values[name], decimals), np.round(notes, decimals), err_msg=name
        )
    assert round(values["yhat"], 3) == 0.739
    np.testing.assert_array_equal(np.round(values["dJ/dW2"], 5), [-0.03155, -0.03587])


def test_where_the_notes_rounded_first_they_are_one_unit_off_at_most(backprop):
    _, values = backprop
    for name, (notes, decimals, units) in NOTES_002_LAST_DIGIT.items():
        atol = (units + 0.5) * 10.0**-decimals
        np.testing.assert_allclose(values[name], notes, rtol=0, atol=atol, err_msg=name)
        # ... and not within rounding: the notes' digit is off, not Keras.
        assert not np.all(np.round(values[name], decimals) == np.round(notes, decimals))
    # The notes' own rounded inputs give their numbers:
    assert round(0.5 * 0.627 + 0.6 * 0.713 + 0.3, 4) == 1.0413
    assert round(0.5 * (1 - 0.739) ** 2, 5) == 0.03406
    assert round(0.739 * (1 - 0.739), 4) == 0.1929
    assert round(0.627 * (1 - 0.627), 4) == 0.2339


def test_autodiff_gradients_match_the_chain_rule_in_float64(backprop):
    _, values = backprop
    for name, reference in closed_form().items():
        np.testing.assert_allclose(
            values[name], reference, rtol=1e-5, atol=1e-7, err_msg=name
        )
    # dJ/db = dJ/dz (the notes' 2.2 and 2.4): two autodiff routes agree.
    np.testing.assert_allclose(values["dJ/db1"], values["dJ/dz2"], rtol=1e-6)
    np.testing.assert_allclose(values["dJ/db2"], values["dJ/dz3"], rtol=1e-6)


def test_one_sgd_step_is_theta_minus_eta_gradient_and_lowers_the_cost():
    example = load_example("backprop_221")
    reference = closed_form()
    model = example.build_model()
    eta = 0.5
    before, after, _, j_after = example.sgd_step(model, eta)
    w1, b1, w2, b2 = (w.T if w.ndim == 2 else w for w in after)
    np.testing.assert_allclose(
        w1, [[0.2, 0.4], [0.3, 0.7]] - eta * reference["dJ/dW1"], atol=1e-6
    )
    np.testing.assert_allclose(b1, [0.1, 0.2] - eta * reference["dJ/db1"], atol=1e-6)
    np.testing.assert_allclose(w2[0], [0.5, 0.6] - eta * reference["dJ/dW2"], atol=1e-6)
    np.testing.assert_allclose(b2, 0.3 - eta * reference["dJ/db2"], atol=1e-6)
    assert j_after < reference["J"]


def test_parameter_count_is_the_notes_47():
    example = load_example("parameter_count")
    model = example.build_model()
    assert [layer.count_params() for layer in model.layers] == [25, 18, 4]
    assert model.count_params() == 47
    assert example.formula() == [25, 18, 4]
    # Another network, counted by hand: 784 -> 128 -> 10.
    assert example.build_model((784, 128, 10)).count_params() == 785 * 128 + 129 * 10
    assert sum(example.formula((784, 128, 10))) == 101770


def test_backprop_main_prints_keras_beside_the_notes(capsys):
    load_example("backprop_221").main(["--learning-rate", "0.1"])
    out = capsys.readouterr().out
    rows = {row.split()[0]: row for row in out.splitlines() if row.strip()}
    keras_value, notes, mark = rows["yhat"].split()[1:]
    assert abs(float(keras_value) - 0.739115) <= 1e-5 and [notes, mark] == [
        "0.739",
        "ok",
    ]
    assert rows["dJ/dW2"].rstrip().endswith("(-0.03155, -0.03587)  ok")
    assert rows["J"].rstrip().endswith("last digit differs")
    assert rows["J:"].split() == ["J:", "0.034030", "->", "0.033538"]


def test_parameter_count_main_prints_the_formula_beside_keras(capsys):
    assert load_example("parameter_count").main([]) == (47, 47)
    rows = capsys.readouterr().out.splitlines()
    assert [row.split()[-2:] for row in rows[1:4]] == [
        ["25", "25"],
        ["18", "18"],
        ["4", "4"],
    ]


def _run(script, *args):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / script), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.mark.slow
@pytest.mark.one_backend
def test_backprop_script_runs_and_prints_the_notes_numbers():
    out = _run("backprop_221.py", "--learning-rate", "0.1")
    assert "yhat" in out and "0.739" in out
    assert "(-0.03155, -0.03587)" in out
    line = next(row for row in out.splitlines() if row.startswith("dJ/dW2 "))
    assert line.rstrip().endswith("ok")
    assert "one step of keras.optimizers.SGD(0.1)" in out


@pytest.mark.slow
@pytest.mark.one_backend
def test_parameter_count_script_runs_and_prints_47():
    out = _run("parameter_count.py")
    total = next(row for row in out.splitlines() if row.startswith("total"))
    assert total.split() == ["total", "47", "47"]
