import pytest

from tests._examples import load_example


@pytest.mark.slow
@pytest.mark.one_backend
def test_example_trains_all_four_optimizers(capsys):
    rows = load_example("one_cycle").main(["--epochs", "2", "--seeds", "1"])
    names = [row[0] for row in rows]
    assert names == [
        "Adam, constant",
        "one-cycle rate",
        "one-cycle rate + momentum",
        "Ranger (Lookahead(RAdam)), constant",
    ]
    for _, mean, std, mean_epochs, reached, seeds in rows:
        assert 0.0 <= mean <= 1.0
        assert std == 0.0  # one seed
        assert seeds == 1 and reached in (0, 1)
        assert (mean_epochs is None) == (reached == 0)
    assert max(row[1] for row in rows) > 0.3  # better than chance (0.1)
    table = capsys.readouterr().out
    for name in names:
        assert f"| {name} |" in table
