"""KerasTuner's grid search, resumable.

KerasTuner 1.4.8's `GridSearchOracle` keeps two pieces of state outside
what it saves: the trials in grid order and the trials whose successor is
still to be made. A search started again in the same folder reloads the
trials but not those, and fails with `KeyError: '<trial id>'` as soon as a
trial ends (keras-team/keras-tuner#1055, open). Both can be rebuilt from the
reloaded trials alone: the grid order is the order of their values, and
offering every trial again for a successor is safe, because the oracle skips
a trial whose next combination has already been tried.
"""

import functools

import keras_tuner


class ResumableGridSearchOracle(keras_tuner.oracles.GridSearchOracle):
    """`GridSearchOracle` whose grid bookkeeping survives a reload."""

    def set_state(self, state):
        super().set_state(state)
        ordered = sorted(
            (t for t in self.trials.values() if t.hyperparameters.values),
            key=functools.cmp_to_key(
                lambda a, b: self._compare(
                    a.hyperparameters.values, b.hyperparameters.values
                )
            ),
        )
        self._ordered_ids = type(self._ordered_ids)()
        for trial in ordered:
            self._ordered_ids.insert(trial.trial_id)
        self._populate_next = [t for t in self.start_order if t in self.trials]


class GridSearch(keras_tuner.Tuner):
    """`keras_tuner.GridSearch` on `ResumableGridSearchOracle`, with the same
    arguments."""

    def __init__(
        self,
        hypermodel=None,
        objective=None,
        max_trials=None,
        seed=None,
        hyperparameters=None,
        tune_new_entries=True,
        allow_new_entries=True,
        max_retries_per_trial=0,
        max_consecutive_failed_trials=3,
        **kwargs,
    ):
        self.seed = seed
        oracle = ResumableGridSearchOracle(
            objective=objective,
            max_trials=max_trials,
            seed=seed,
            hyperparameters=hyperparameters,
            tune_new_entries=tune_new_entries,
            allow_new_entries=allow_new_entries,
            max_retries_per_trial=max_retries_per_trial,
            max_consecutive_failed_trials=max_consecutive_failed_trials,
        )
        super().__init__(oracle, hypermodel, **kwargs)
