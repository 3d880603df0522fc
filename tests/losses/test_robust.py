import math

import keras
import numpy as np
import pytest

from kerasnotes._internal.autodiff import value_and_derivative
from kerasnotes._internal.autodiff import value_and_grad
from kerasnotes.losses import RobustLoss
from kerasnotes.losses import robust_loss
from kerasnotes.testing import assert_allclose
from kerasnotes.testing import assert_serialization_roundtrip
from kerasnotes.testing import to_numpy

INF = math.inf


def paper_rho(x, alpha, c):
    """Barron 2019, eq. 1, in float64 (valid away from alpha = 0 and 2)."""
    z = (np.asarray(x, np.float64) / c) ** 2
    b = abs(alpha - 2.0)
    return b / alpha * ((z / b + 1.0) ** (alpha / 2.0) - 1.0)


# The paper's special cases (eq. 3 and Fig. 1), written out.
SPECIAL = {
    2.0: lambda z: 0.5 * z,
    1.0: lambda z: np.sqrt(z + 1.0) - 1.0,
    0.0: lambda z: np.log(0.5 * z + 1.0),
    -2.0: lambda z: 2.0 * z / (z + 4.0),
    -INF: lambda z: 1.0 - np.exp(-0.5 * z),
    INF: lambda z: np.exp(0.5 * z) - 1.0,
}

X = np.concatenate([[0.0], np.linspace(-6, 6, 25), [1e-4, -30.0, 100.0]])


def _rho(x, alpha, scale, dtype="float32", tensor_alpha=False):
    x = np.asarray(x, dtype)
    if tensor_alpha:
        alpha = np.full(x.shape, alpha, dtype)
    return to_numpy(robust_loss(x, alpha, scale))


def test_hand_checked():
    # alpha=1, c=1: sqrt(x^2 + 1) - 1 at x = 0, 1, 3
    assert_allclose(
        _rho([0.0, 1.0, 3.0], 1.0, 1.0), [0.0, math.sqrt(2) - 1, math.sqrt(10) - 1]
    )
    # alpha=0, c=2, x=2: log(0.5 + 1)
    assert_allclose(_rho([2.0], 0.0, 2.0), [math.log(1.5)])
    # integer residuals are computed in floatx
    out = robust_loss(np.array([0, 1, 3]), 1, 1)
    assert keras.backend.standardize_dtype(out.dtype) == "float32"
    assert_allclose(out, [0.0, math.sqrt(2) - 1, math.sqrt(10) - 1])


@pytest.mark.parametrize("tensor_alpha", [False, True])
@pytest.mark.parametrize("alpha", list(SPECIAL))
@pytest.mark.parametrize("scale", [0.5, 1.0, 3.0])
def test_special_cases_exact(alpha, scale, tensor_alpha):
    x = X if alpha != INF else X[np.abs(X) < 10]
    expected = SPECIAL[alpha]((x / scale) ** 2)
    assert_allclose(
        _rho(x, alpha, scale, tensor_alpha=tensor_alpha),
        expected,
        rtol=2e-6,
        atol=1e-7,
    )


@pytest.mark.parametrize("tensor_alpha", [False, True])
def test_matches_paper_formula(tensor_alpha):
    rng = np.random.default_rng(0)
    alphas = np.concatenate(
        [rng.uniform(-10, 4, size=40), [-1.0, 0.5, 1.5, 3.0, 1e-3, 1.99, 2.01]]
    )
    for alpha in alphas:
        scale = float(rng.uniform(0.2, 5.0))
        assert_allclose(
            _rho(X, float(alpha), scale, tensor_alpha=tensor_alpha),
            paper_rho(X, float(alpha), scale),
            rtol=1e-5,
            atol=1e-7,
            err_msg=f"alpha={alpha}, scale={scale}",
        )


@pytest.mark.parametrize("tensor_alpha", [False, True])
@pytest.mark.parametrize("limit", [0.0, 2.0])
def test_continuous_at_zero_and_two(limit, tensor_alpha):
    x = np.linspace(-10, 10, 41)
    expected = SPECIAL[limit](x**2)
    for offset in [-1e-6, 1e-6]:
        # The true gap to the limit is about |d| log(x^2/|d|) / 2 relative
        # near alpha = 2 (< 1.2e-5 here) and |d| log(1 + x^2/2) / 4 near 0.
        assert_allclose(
            _rho(x, limit + offset, 1.0, tensor_alpha=tensor_alpha),
            expected,
            rtol=3e-5,
            atol=1e-7,
            err_msg=f"alpha={limit + offset}",
        )


def _barron_float64(x, alpha, c):
    """Barron 2019 in NumPy float64: eq. 1 for a general alpha (through
    expm1/log1p, so it stays exact next to 0 and 2) and the paper's limits
    (eq. 3-5) at alpha = 2, 0, -inf."""
    z = (np.asarray(x, np.float64) / c) ** 2
    if alpha == 2.0:
        return 0.5 * z
    if alpha == 0.0:
        return np.log(0.5 * z + 1.0)
    if alpha == -INF:
        return 1.0 - np.exp(-0.5 * z)
    b = abs(alpha - 2.0)
    return b / alpha * np.expm1(0.5 * alpha * np.log1p(z / b))


@pytest.mark.parametrize("tensor_alpha", [False, True])
@pytest.mark.parametrize(
    "alpha", [-INF, -7.0, -2.0, -0.3, 0.0, 1e-7, 0.7, 1.0, 1.9999999, 2.0, 2.5]
)
def test_both_alpha_paths_match_the_paper_in_float64(alpha, tensor_alpha):
    c = 1.3
    z = (X.astype(np.float64) / c) ** 2
    # The written-out special cases agree with the general formula there.
    written = {
        1.0: np.sqrt(z + 1.0) - 1.0,
        -2.0: 2.0 * z / (z + 4.0),
    }
    if alpha in written:
        np.testing.assert_allclose(
            _barron_float64(X, alpha, c), written[alpha], rtol=1e-12, atol=1e-15
        )
    # float32 in, float32 out: relative error a few ulps, and the float32
    # rounding of alpha itself (1.9999999 is 1.99999988 in float32).
    alpha32 = float(np.float32(alpha))
    assert_allclose(
        _rho(X, alpha, c, tensor_alpha=tensor_alpha),
        _barron_float64(X, alpha32 if tensor_alpha else alpha, c),
        rtol=3e-6,
        atol=1e-7,
        err_msg=f"alpha={alpha}",
    )


def test_broadcasts_per_column_alpha_and_scale():
    x = np.linspace(-3, 3, 12, dtype="float32").reshape(4, 3)
    alpha = np.array([0.0, 1.0, 2.0], "float32")
    scale = np.array([1.0, 0.5, 2.0], "float32")
    expected = np.stack(
        [SPECIAL[a]((x[:, i] / s) ** 2) for i, (a, s) in enumerate(zip(alpha, scale))],
        axis=1,
    )
    assert_allclose(robust_loss(x, alpha, scale), expected, rtol=2e-6, atol=1e-7)


ALPHA_GRID = [
    -INF, -1e3, -2.0, -1.0, -1e-6, 0.0, 1e-6, 0.5, 1.0,
    2.0 - 1e-6, 2.0, 2.0 + 1e-6, 3.0, 4.0,
]  # fmt: skip


def _grads(x, alpha, scale, dtype):
    def total(x, a, c):
        return keras.ops.sum(robust_loss(x, a, c))

    shape = np.broadcast_shapes(np.shape(x), np.shape(alpha), np.shape(scale))
    args = [np.broadcast_to(np.asarray(v, dtype), shape) for v in (x, alpha, scale)]
    value, grads = value_and_grad(total, *args)
    values = to_numpy(robust_loss(*args))
    return values, [to_numpy(g) for g in grads]


def _largest_residual(alpha, dtype):
    """Largest |x/c| at which rho and its derivatives fit in `dtype`."""
    if alpha == INF:
        return 10.0 if dtype == "float32" else 3.0
    if alpha > 2.0:
        return 1e4 if dtype == "float32" else 10.0
    return 1e4 if dtype == "float32" else 100.0


@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_value_and_gradients_finite_everywhere(dtype):
    tiny = -20 if dtype == "float32" else -4
    scales = [1e-3, 1.0, 1e3] if dtype == "float32" else [0.5, 1.0, 4.0]
    for alpha in ALPHA_GRID + [INF]:
        top = math.log10(_largest_residual(alpha, dtype))
        mags = np.concatenate([[0.0], np.logspace(tiny, top, 25)])
        x = np.concatenate([-mags, mags])
        for scale in scales:
            x_c = x * scale
            values, grads = _grads(x_c[:, None], alpha, scale, dtype)
            where = f"alpha={alpha}, scale={scale}, {dtype}"
            assert np.all(np.isfinite(values)), where
            for name, g in zip(["x", "alpha", "scale"], grads):
                assert g.dtype == np.dtype(dtype), (name, where)
                assert np.all(np.isfinite(g)), (name, where)


def test_float16_agrees_with_float32():
    x = np.linspace(-20, 20, 81)
    for alpha in [-INF, -2.0, 0.0, 0.5, 1.0, 1.5, 2.0]:
        v16, g16 = _grads(x, alpha, 1.5, "float16")
        v32, g32 = _grads(x, alpha, 1.5, "float32")
        assert_allclose(v16, v32, rtol=3e-3, atol=1e-3, err_msg=f"alpha={alpha}")
        for a, b in zip(g16, g32):
            assert_allclose(a, b, rtol=5e-3, atol=2e-3, err_msg=f"alpha={alpha}")


def _central_difference(fn, args, i, h_rel=1e-6):
    args = [np.asarray(a, np.float64) for a in args]
    h = h_rel * max(1.0, abs(float(args[i])))
    up = list(args)
    down = list(args)
    up[i] = args[i] + h
    down[i] = args[i] - h
    return (fn(*up) - fn(*down)) / (2 * h)


def _paper_rho_scalar(x, alpha, c):
    return float(paper_rho(x, float(alpha), float(c)))


def test_gradients_match_float64_finite_differences():
    rng = np.random.default_rng(0)
    points = []
    for _ in range(60):
        alpha = rng.uniform(-6, 4)
        if min(abs(alpha), abs(alpha - 2)) < 0.05:
            continue
        points.append((rng.uniform(-5, 5), alpha, rng.uniform(0.3, 3.0)))
    points += [(1.7, 1.0, 0.8), (-2.2, -2.0, 1.1), (0.9, 2.5, 0.5), (3.0, -INF, 1.0)]
    x, alpha, scale = (np.array(v, "float32") for v in zip(*points))
    _, (gx, ga, gc) = _grads(x, alpha, scale, "float32")
    for k, (xi, ai, ci) in enumerate(points):
        if ai == -INF:
            z = (xi / ci) ** 2
            fd = [xi / ci**2 * math.exp(-z / 2), 0.0, -z / ci * math.exp(-z / 2)]
        else:
            args = (float(x[k]), float(alpha[k]), float(scale[k]))
            fd = [_central_difference(_paper_rho_scalar, args, i) for i in range(3)]
        assert_allclose(
            [gx[k], ga[k], gc[k]], fd, rtol=2e-4, atol=2e-5, err_msg=str(points[k])
        )


def test_alpha_gradient_at_zero_is_the_limit_derivative():
    # d rho / d alpha at alpha = 0, by float64 central differences of eq. 1
    # on either side (eq. 1 is 0/0 at 0 itself).
    x = np.array([0.3, 1.0, 2.5, -4.0], "float32")
    _, (_, ga, _) = _grads(x, 0.0, 1.2, "float32")
    h = 1e-4
    fd = (paper_rho(x, h, 1.2) - paper_rho(x, -h, 1.2)) / (2 * h)
    assert_allclose(ga, fd, rtol=1e-4, atol=1e-6)


def test_works_under_jit():
    x = np.linspace(-3, 3, 7).astype("float32")
    alpha = np.array(0.5, "float32")
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        fn = tf.function(robust_loss, jit_compile=True)
    elif keras.backend.backend() == "jax":
        import jax

        fn = jax.jit(robust_loss)
    else:
        import torch

        # fullgraph=True fails on any Python branch on a tensor value.
        fn = torch.compile(robust_loss, backend="eager", fullgraph=True)
    x_t, alpha_t = keras.ops.convert_to_tensor(x), keras.ops.convert_to_tensor(alpha)
    assert_allclose(fn(x_t, alpha_t, 1.0), paper_rho(x, 0.5, 1.0), rtol=1e-5, atol=1e-7)


# RobustLoss ---------------------------------------------------------------


def test_robust_loss_alpha_two_is_half_mse():
    rng = np.random.default_rng(0)
    y_true = rng.normal(size=(8, 3)).astype("float32")
    y_pred = rng.normal(size=(8, 3)).astype("float32")
    mse = keras.losses.MeanSquaredError()(y_true, y_pred)
    assert_allclose(RobustLoss(alpha=2.0)(y_true, y_pred), 0.5 * to_numpy(mse))
    assert_allclose(
        RobustLoss(alpha=2.0, scale=2.0)(y_true, y_pred), 0.5 * to_numpy(mse) / 4
    )


def test_robust_loss_reconciles_a_trailing_unit_axis():
    """1-D targets against a Dense(1) output, as in `fit(x, y)`: the residual
    is per sample, not an (n, n) broadcast; compared with Keras's MSE, which
    reconciles the ranks the same way."""
    rng = np.random.default_rng(1)
    y_true = rng.normal(size=(6,)).astype("float32")
    y_pred = rng.normal(size=(6, 1)).astype("float32")
    for a, b in [(y_true, y_pred), (y_pred, y_true)]:
        mse = keras.losses.MeanSquaredError(reduction=None)(a, b)
        got = RobustLoss(alpha=2.0, reduction=None)(a, b)
        assert tuple(got.shape) == tuple(mse.shape)
        assert_allclose(got, 0.5 * to_numpy(mse))


def test_robust_loss_reductions_and_weights():
    rng = np.random.default_rng(1)
    y_true = rng.normal(size=(6, 4)).astype("float32")
    y_pred = rng.normal(size=(6, 4)).astype("float32") * 3
    w = rng.uniform(0, 2, size=(6,)).astype("float32")
    per_sample = paper_rho(y_pred - y_true, 0.5, 0.7).mean(axis=-1)
    assert_allclose(
        RobustLoss(0.5, 0.7, reduction=None)(y_true, y_pred), per_sample, rtol=1e-5
    )
    assert_allclose(
        RobustLoss(0.5, 0.7, reduction="sum")(y_true, y_pred, sample_weight=w),
        (per_sample * w).sum(),
        rtol=1e-5,
    )


def test_robust_loss_trains_with_jit():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = x @ np.array([[1.0], [-1.0], [2.0]], "float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(
        optimizer=keras.optimizers.Adam(0.1),
        loss=RobustLoss(alpha=-2.0, scale=2.0),
        jit_compile=keras.backend.backend() != "torch",
    )
    history = model.fit(x, y, epochs=10, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.1 * history.history["loss"][0]


def test_robust_loss_under_mixed_precision():
    keras.config.set_dtype_policy("mixed_float16")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = 100.0 * (x @ np.array([[1.0], [-1.0], [2.0]], "float32"))
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.1), loss=RobustLoss(0.5, 0.1))
    history = model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    assert history.history["loss"][-1] < history.history["loss"][0]


@pytest.mark.parametrize("alpha", [0.5, -INF])
def test_robust_loss_serialization_roundtrip(alpha):
    loss = RobustLoss(alpha=alpha, scale=2.0, reduction="sum", name="rl")
    out = assert_serialization_roundtrip(
        loss, {"alpha": alpha, "scale": 2.0, "reduction": "sum", "name": "rl"}
    )
    y = np.array([[0.0, 1.0], [2.0, -3.0]], "float32")
    assert_allclose(out["keras_file"](y * 0, y), loss(y * 0, y))


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(scale=0.0), "scale"),
        (dict(scale=-1.0), "scale"),
        (dict(scale=float("inf")), "scale"),
        (dict(alpha=float("nan")), "alpha"),
        (dict(alpha="1"), "alpha"),
    ],
)
def test_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=f"`{name}`.*Received: {name}=") as info:
        RobustLoss(**kwargs)
    assert repr(next(iter(kwargs.values()))) in str(info.value)


def test_function_checks_static_scale():
    with pytest.raises(ValueError, match="`scale`.*Received: scale=0"):
        robust_loss([1.0], 1.0, 0)


def test_components_are_registered():
    import kerasnotes

    for name in [
        "Huber",
        "RobustLoss",
        "AdaptiveRobustLoss",
        "PerceptronLoss",
        "TrainableLossModel",
    ]:
        obj = keras.saving.get_registered_object(f"kerasnotes>{name}")
        assert obj is getattr(kerasnotes.losses, name)


@pytest.mark.parametrize("alpha", [-INF, -2.0, 0.0, 0.5, 1.0, 2.0, 3.0])
def test_static_alpha_gradients_match_float64_finite_differences(alpha):
    x = np.array([-4.0, -0.7, 0.0, 0.2, 1.5, 6.0], "float32")
    c = np.full_like(x, 1.3)

    def total(x, c):
        return keras.ops.sum(robust_loss(x, alpha, c))

    _, (gx, gc) = value_and_grad(total, x, c)
    if alpha in SPECIAL:

        def f(x, c):
            return SPECIAL[alpha]((x / c) ** 2)

    else:

        def f(x, c):
            return paper_rho(x, alpha, c)

    xd, cd, h = x.astype(np.float64), c.astype(np.float64), 1e-6
    fd_x = (f(xd + h, cd) - f(xd - h, cd)) / (2 * h)
    fd_c = (f(xd, cd + h) - f(xd, cd - h)) / (2 * h)
    assert_allclose(gx, fd_x, rtol=1e-4, atol=1e-6)
    assert_allclose(gc, fd_c, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("alpha", [1e-38, 1e-39, -1e-40, 5e-324, 1e-12])
def test_tiny_python_alpha_is_the_cauchy_limit(alpha):
    """A Python-number alpha near 0 takes the same path as a tensor alpha:
    the value is the alpha -> 0 limit log(0.5 (x/c)^2 + 1) and the gradient
    is finite (it was [0, 0], and NaN from |alpha| <= 1e-39)."""
    x = np.array([0.5, 3.0])
    want = np.log(0.5 * x**2 + 1.0)
    got = robust_loss(x.astype("float32"), alpha, 1.0)
    assert_allclose(got, want, rtol=1e-6)
    _, grad = value_and_derivative(lambda t: robust_loss(t, alpha, 1.0), x)
    assert_allclose(grad, x / (0.5 * x**2 + 1.0), rtol=1e-5)
