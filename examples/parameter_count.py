"""The notes' trainable-parameter count, by Keras: a 4-5-3-1 network has 47.

Notes 003, "How to Calculate Trainable Parameters in a Neural Network": a
dense layer with `n_in` inputs and `n_out` units has `n_in * n_out` weights
and `n_out` biases, so

    parameters = sum over layers of (n_in + 1) * n_out

and the notes' example, 4 features -> 5 -> 3 -> 1, has (4 + 1) * 5 + (5 + 1)
* 3 + (3 + 1) * 1 = 25 + 18 + 4 = 47. This script builds that network as a
`keras.Sequential` of `Dense` layers and prints, layer by layer, Keras's
`count_params()` beside the formula, then the model's total (which does not
depend on the number of training samples, as the notes' tip says).

Run:  python examples/parameter_count.py [--sizes 4 5 3 1]
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402

NOTES_SIZES = (4, 5, 3, 1)


def build_model(sizes=NOTES_SIZES):
    """Dense layers of `sizes[1:]` units on `sizes[0]` input features."""
    names = [f"hidden_{i}" for i in range(1, len(sizes) - 1)] + ["output"]
    layers = [keras.Input((sizes[0],))]
    layers += [keras.layers.Dense(n, name=name) for n, name in zip(sizes[1:], names)]
    return keras.Sequential(layers)


def formula(sizes=NOTES_SIZES):
    """The notes' count per layer: (n_in + 1) * n_out."""
    return [(n_in + 1) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:])]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(NOTES_SIZES))
    args = parser.parse_args(argv)
    sizes = tuple(args.sizes)
    if len(sizes) < 2 or min(sizes) < 1:
        parser.error(f"--sizes needs two or more positive sizes, got {sizes}")

    model = build_model(sizes)
    by_formula = formula(sizes)
    print(
        f"{'layer':<10} {'n_in -> n_out':>14} {'Keras':>7} {'(n_in + 1) * n_out':>20}"
    )
    for layer, n_in, n_out, count in zip(model.layers, sizes, sizes[1:], by_formula):
        print(
            f"{layer.name:<10} {f'{n_in} -> {n_out}':>14} "
            f"{layer.count_params():>7} {count:>20}"
        )
    print(f"{'total':<10} {'':>14} {model.count_params():>7} {sum(by_formula):>20}")
    return model.count_params(), sum(by_formula)


if __name__ == "__main__":
    main()
