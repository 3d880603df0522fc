"""The activation functions of the notes' tables, in numerically stable forms.

Notes: 000 "Types of Activation Functions"; 002 "Activation Functions:
Comparison Table"; 003 "Variants of ReLU and Dying ReLU Problem"; 004 "Step
Function". Where the notes garble a formula (002's backpropagation table
writes the sigmoid as `1 / (1 + e^z)`), the standard definition is used.

Branches taken by `ops.where` are computed on clipped inputs (`expm1` of
`min(x, 0)`), so the branch that is not selected never overflows: a `where`
whose unused branch is `inf` has a `nan` gradient (`0 * inf`).
"""

import numbers

import keras
import numpy as np
from keras import ops

from kerasnotes._internal.errors import InputError
from kerasnotes._internal.validation import as_int
from kerasnotes._internal.validation import check_real
from kerasnotes._internal.validation import check_tensor

# Klambauer et al. 2017, eq. (14): the fixed point (mean 0, variance 1).
SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805

_register = keras.saving.register_keras_serializable(package="kerasnotes")


def _check_number(name, value):
    """Checks a coefficient. A real number of any type (Python's, NumPy's, a
    0-d array) must be finite in float32 and comes back as a Python float.
    A variable (a trainable coefficient) passes as it is; a tensor too, its
    elements checked when it has a value (eager), not when it is symbolic
    (inside a traced function). Lists, strings and None are refused."""
    if isinstance(value, keras.Variable):
        return value
    if isinstance(value, (numbers.Number, np.ndarray, np.generic)) or not (
        hasattr(value, "shape") and hasattr(value, "dtype")
    ):
        return float(check_real(name, value))
    return check_tensor(name, value, check_real)


def _coefficient(value, x):
    """`value` (a number, tensor or variable) in the dtype of `x`. Multiply
    it with `ops.multiply`, not `*`: a backend array's `*` does not take the
    KerasTensor of a functional model (JAX).

    A number is converted straight to the dtype of `x`: `ops.cast` of a
    Python float first makes a float32 tensor (TensorFlow), which would
    round a float64 coefficient to float32 precision.
    """
    if isinstance(value, (numbers.Real, np.ndarray, np.generic)):
        return ops.convert_to_tensor(np.asarray(value, dtype="float64"), x.dtype)
    return ops.cast(value, x.dtype)


@_register
def step(x, threshold=0.0):
    """Heaviside step: 1 where `x >= threshold`, else 0 (notes 000, 004).

    ```
    step(x) = 1 if x >= threshold else 0
    ```

    Its derivative is 0 wherever it exists, so it cannot train a model by
    gradient descent (the reason the notes give for leaving it); it is here
    for perceptrons and plots.

    Args:
        x: Input tensor.
        threshold: Float. The point where the output jumps from 0 to 1.
            Defaults to `0.0`.

    Returns:
        A tensor of zeros and ones of the dtype of `x`.

    Example:

    >>> import keras
    >>> from kerasnotes.activations import step
    >>> keras.ops.convert_to_numpy(step([-1.0, 0.0, 2.0])).tolist()
    [0.0, 1.0, 1.0]

    References:
        - [McCulloch & Pitts, "A logical calculus of the ideas immanent in
          nervous activity", 1943](https://doi.org/10.1007/BF02478259)
    """
    threshold = _check_number("threshold", threshold)
    x = ops.convert_to_tensor(x)
    return ops.cast(ops.greater_equal(x, _coefficient(threshold, x)), x.dtype)


@_register
def sigmoid(x):
    """Logistic sigmoid (notes 000, 002, 003).

    ```
    sigmoid(x) = 1 / (1 + exp(-x))
    ```

    Computed by the backend's stable kernel (never `exp` of a large positive
    number): 0 and 1 are reached without overflow, the derivative
    `sigmoid(x) * (1 - sigmoid(x))` is finite everywhere.

    Args:
        x: Input tensor.

    Returns:
        A tensor of the shape and dtype of `x` with values in [0, 1].

    Example:

    >>> import keras
    >>> from kerasnotes.activations import sigmoid
    >>> float(keras.ops.convert_to_numpy(sigmoid([0.0]))[0])
    0.5

    References:
        - [Rumelhart, Hinton & Williams, "Learning representations by
          back-propagating errors", Nature 1986](https://doi.org/10.1038/323533a0)
    """
    return ops.sigmoid(ops.convert_to_tensor(x))


@_register
def tanh(x):
    """Hyperbolic tangent (notes 000, 002, 003).

    ```
    tanh(x) = (exp(x) - exp(-x)) / (exp(x) + exp(-x))
    ```

    Computed by the backend's kernel, which saturates at +-1 without forming
    `exp(x)`; derivative `1 - tanh(x)^2`.

    Args:
        x: Input tensor.

    Returns:
        A tensor of the shape and dtype of `x` with values in [-1, 1].

    Example:

    >>> import keras
    >>> from kerasnotes.activations import tanh
    >>> float(keras.ops.convert_to_numpy(tanh([0.0]))[0])
    0.0

    References:
        - [LeCun, Bottou, Orr & Mueller, "Efficient BackProp", 1998](
          https://doi.org/10.1007/3-540-49430-8_2)
    """
    x = ops.convert_to_tensor(x)
    y = ops.tanh(x)
    if keras.backend.standardize_dtype(y.dtype) == keras.backend.standardize_dtype(
        x.dtype
    ):
        return y
    # Keras's type promotion computes `ops.tanh` of float64 in float32 on
    # JAX: the same function from `expm1`, which keeps float64 (a few ulp).
    e = ops.expm1(ops.multiply(_coefficient(-2.0, x), ops.abs(x)))
    return ops.multiply(ops.sign(x), ops.divide(ops.negative(e), e + 2.0))


@_register
def relu(x):
    """Rectified linear unit (notes 000, 002, 003).

    ```
    relu(x) = max(0, x)
    ```

    Args:
        x: Input tensor.

    Returns:
        A tensor of the shape and dtype of `x`.

    Example:

    >>> import keras
    >>> from kerasnotes.activations import relu
    >>> keras.ops.convert_to_numpy(relu([-2.0, 3.0])).tolist()
    [0.0, 3.0]

    References:
        - [Nair & Hinton, "Rectified Linear Units Improve Restricted Boltzmann
          Machines", ICML 2010](https://icml.cc/Conferences/2010/papers/432.pdf)
    """
    return ops.relu(ops.convert_to_tensor(x))


@_register
def leaky_relu(x, alpha=0.01):
    """Leaky ReLU (notes 000, 002; 003 "Variants of ReLU").

    ```
    leaky_relu(x) = x          if x > 0
                    alpha * x  if x <= 0
    ```

    Args:
        x: Input tensor.
        alpha: Float. Slope for `x <= 0`. Defaults to `0.01` (the notes'
            "typically alpha = 0.01").

    Returns:
        A tensor of the shape and dtype of `x`.

    Example:

    >>> import keras
    >>> from kerasnotes.activations import leaky_relu
    >>> keras.ops.convert_to_numpy(leaky_relu([-2.0, 3.0], alpha=0.5)).tolist()
    [-1.0, 3.0]

    References:
        - [Maas, Hannun & Ng, "Rectifier Nonlinearities Improve Neural Network
          Acoustic Models", ICML 2013](
          https://ai.stanford.edu/~amaas/papers/relu_hybrid_icml2013_final.pdf)
    """
    alpha = _check_number("alpha", alpha)
    x = ops.convert_to_tensor(x)
    return ops.where(x > 0, x, ops.multiply(_coefficient(alpha, x), x))


def _expm1_negative_part(x):
    """`exp(x) - 1` where `x <= 0` and 0 elsewhere: never overflows.

    `where` (not `minimum`) clips, so that at `x = 0` the derivative is
    `exp(0) = 1` on every backend (a `minimum` splits the tie 0.5/0.5 on some).
    """
    return ops.expm1(ops.where(x > 0, ops.zeros_like(x), x))


@_register
def elu(x, alpha=1.0):
    """Exponential linear unit (notes 002; 003 "ELU").

    ```
    elu(x) = x                      if x > 0
             alpha * (exp(x) - 1)   if x <= 0
    ```

    `exp(x) - 1` is computed with `expm1` (exact near 0) of `min(x, 0)`, so
    large positive inputs never reach `exp`.

    Args:
        x: Input tensor.
        alpha: Float. The negative saturation value is `-alpha`. Defaults to
            `1.0`.

    Returns:
        A tensor of the shape and dtype of `x`.

    Example:

    >>> import keras
    >>> from kerasnotes.activations import elu
    >>> round(float(keras.ops.convert_to_numpy(elu([-1.0]))[0]), 6)
    -0.632121

    References:
        - [Clevert, Unterthiner & Hochreiter, "Fast and Accurate Deep Network
          Learning by Exponential Linear Units (ELUs)", ICLR 2016](
          https://arxiv.org/abs/1511.07289)
    """
    alpha = _check_number("alpha", alpha)
    x = ops.convert_to_tensor(x)
    return ops.where(
        x > 0, x, ops.multiply(_coefficient(alpha, x), _expm1_negative_part(x))
    )


@_register
def selu(x):
    """Scaled exponential linear unit (notes 003 "SELU (Scaled ELU)").

    ```
    selu(x) = lambda * x                      if x > 0
              lambda * alpha * (exp(x) - 1)   if x <= 0
    lambda = 1.0507009873554805, alpha = 1.6732632423543772
    ```

    With these constants a layer maps inputs of mean 0 and variance 1 to
    outputs of mean 0 and variance 1 when its weights have variance
    `1 / fan_in` (`kerasnotes.initializers.LecunNormal`): deep networks stay
    normalized without batch normalization.

    Args:
        x: Input tensor.

    Returns:
        A tensor of the shape and dtype of `x`.

    Example:

    >>> import keras
    >>> from kerasnotes.activations import selu
    >>> round(float(keras.ops.convert_to_numpy(selu([1.0]))[0]), 6)
    1.050701

    References:
        - [Klambauer, Unterthiner, Mayr & Hochreiter, "Self-Normalizing Neural
          Networks", NeurIPS 2017](https://arxiv.org/abs/1706.02515)
    """
    x = ops.convert_to_tensor(x)
    negative = ops.multiply(_coefficient(SELU_ALPHA, x), _expm1_negative_part(x))
    return ops.multiply(_coefficient(SELU_SCALE, x), ops.where(x > 0, x, negative))


@_register
def swish(x, beta=1.0):
    """Swish (notes 002 "Activation Functions: Comparison Table").

    ```
    swish(x) = x * sigmoid(beta * x)
    swish'(x) = beta * swish(x) + sigmoid(beta * x) * (1 - beta * swish(x))
    ```

    `beta = 1` is SiLU (`keras.activations.swish`, which has no `beta`); as
    `beta` grows it approaches ReLU, and `beta = 0` gives `x / 2`. The layer
    `kerasnotes.layers.Swish` learns `beta`.

    Args:
        x: Input tensor.
        beta: Float, or a scalar tensor or variable. Defaults to `1.0`.

    Returns:
        A tensor of the shape and dtype of `x`.

    Example:

    >>> import keras
    >>> from kerasnotes.activations import swish
    >>> round(float(keras.ops.convert_to_numpy(swish([1.0], beta=2.0))[0]), 6)
    0.880797

    References:
        - [Ramachandran, Zoph & Le, "Searching for Activation Functions",
          2017](https://arxiv.org/abs/1710.05941)
        - [Elfwing, Uchibe & Doya, "Sigmoid-Weighted Linear Units for Neural
          Network Function Approximation in Reinforcement Learning", 2018](
          https://arxiv.org/abs/1702.03118)
    """
    beta = _check_number("beta", beta)
    x = ops.convert_to_tensor(x)
    return x * ops.sigmoid(ops.multiply(_coefficient(beta, x), x))


@_register
def softplus(x):
    """Softplus, a smooth ReLU (notes 002 "Activation Functions: Comparison
    Table").

    ```
    softplus(x) = log(1 + exp(x))
                = m + log1p(exp(x - 2m)),   m = max(x, 0)
    softplus'(x) = sigmoid(x)
    ```

    The second form never exponentiates a positive number (`x - 2m = -|x|`),
    so `softplus(x) = x` for large `x` without overflow; its autodiff
    derivative is `sigmoid(x)` everywhere, at `x = 0` included (whichever
    branch the backend's `max` picks at the tie).

    Args:
        x: Input tensor.

    Returns:
        A tensor of the shape and dtype of `x`.

    Example:

    >>> import keras
    >>> from kerasnotes.activations import softplus
    >>> round(float(keras.ops.convert_to_numpy(softplus([0.0]))[0]), 6)
    0.693147

    References:
        - [Dugas, Bengio, Belisle, Nadeau & Garcia, "Incorporating
          Second-Order Functional Knowledge for Better Option Pricing",
          NeurIPS 2000](https://papers.nips.cc/paper/1920)
    """
    x = ops.convert_to_tensor(x)
    # `relu`, not `maximum(x, 0)`: Keras's `ops.maximum` computes float64 in
    # float32 on PyTorch.
    m = ops.relu(x)
    return m + ops.log1p(ops.exp(x - 2 * m))


@_register
def softmax(x, axis=-1):
    """Softmax over `axis` (notes 000, 002).

    ```
    softmax(x)_i = exp(x_i - max_j x_j) / sum_k exp(x_k - max_j x_j)
    ```

    Subtracting the maximum (which does not change the value) keeps every
    exponent <= 0, so nothing overflows.

    Args:
        x: Input tensor.
        axis: Integer. The axis the probabilities sum to 1 over. Defaults to
            `-1`.

    Returns:
        A tensor of the shape and dtype of `x`.

    Example:

    >>> import keras
    >>> from kerasnotes.activations import softmax
    >>> keras.ops.convert_to_numpy(softmax([[0.0, 0.0]])).tolist()
    [[0.5, 0.5]]

    References:
        - [Bridle, "Probabilistic Interpretation of Feedforward Classification
          Network Outputs", 1990](https://doi.org/10.1007/978-3-642-76153-9_28)
    """
    axis = as_int("axis", axis, "an integer")
    x = ops.convert_to_tensor(x)
    rank = len(x.shape)
    if not -rank <= axis < rank:
        raise InputError(
            f"Argument `axis` must be in [-{rank}, {rank}) for an input of rank "
            f"{rank}. Received: axis={int(axis)!r}"
        )
    return ops.softmax(x, axis=int(axis))


@_register
def identity(x):
    """Identity (linear) activation: `identity(x) = x`.

    Args:
        x: Input tensor.

    Returns:
        `x` as a tensor.

    Example:

    >>> import keras
    >>> from kerasnotes.activations import identity
    >>> keras.ops.convert_to_numpy(identity([1.5])).tolist()
    [1.5]
    """
    return ops.convert_to_tensor(x)
