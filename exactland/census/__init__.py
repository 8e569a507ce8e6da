"""Census of saddles and minima over many gradient-descent runs, on Dask.

:mod:`.config` reads and checks the TOML configuration, :mod:`.tasks` holds
the work of one run (train, phases, snap and certify every plateau and the
end), :mod:`.engine` runs the grid on a Dask cluster with resumption,
:mod:`.summary` counts verdicts and :mod:`.figures` draws them.

A record of ``results.jsonl`` has ``key`` (hash of the run's settings),
``dataset``, ``width``, ``init_std``, ``lr``, ``steps``, ``seed``,
``final_loss``, ``plateaus`` (``[start, end]`` steps of each plateau before
the final state), ``points`` (``{"at": "plateau-N" | "final", "step",
"verdict", "loss" (exact), "loss_interval" (an isolated irrational minimum,
docs/isolation.md), "escape_neurons", "groups", "distance"}``; a point
that could not be snapped has ``verdict`` null and a ``note``) and ``error``
(null, or why the run failed).
"""
