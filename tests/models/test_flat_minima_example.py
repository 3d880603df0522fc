import pytest

from tests._examples import load_example


@pytest.mark.slow
@pytest.mark.one_backend
def test_example_trains_the_three_methods(capsys):
    rows = load_example("flat_minima").main(["--epochs", "3", "--seeds", "1"])
    names = [row[0] for row in rows]
    assert names == ["Adam", "SAM(Adam), rho=0.05", "Adam + SWA (last third)"]
    for _, mean, std, seconds in rows:
        assert 0.0 <= mean <= 1.0
        assert std == 0.0  # one seed
        assert seconds > 0
    assert min(row[1] for row in rows) > 0.3  # every method learns (chance: 0.1)
    table = capsys.readouterr().out
    for name in names:
        assert f"| {name} |" in table


def test_label_noise_flips_the_requested_fraction_to_other_classes():
    example = load_example("flat_minima")
    clean = example.load_split(noise=0.0)
    noisy = example.load_split(noise=0.2, noise_seed=3)
    changed = clean[1] != noisy[1]
    assert 0.15 < changed.mean() < 0.25
    assert (noisy[3] == clean[3]).all()  # the test labels stay clean
