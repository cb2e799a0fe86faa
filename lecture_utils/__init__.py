"""Helpers for the deep-learning lecture notebooks.

One module per topic (``estimators``, ``sampling``, ``vae``, ``gan`` with its evaluation side ``gan_eval``,
``mdp`` with its ``gridworld`` environment, ``rl`` and ``policy_gradient``), plus shared ``data``,
``plotting``, ``training`` (the seeded MLP, progress bars, ``History``) and ``checks`` (the argument checks
every public function runs: a bad argument raises ``checks.BadArgument``, a ``ValueError`` naming it).
``exercises`` holds the checkers of the notebooks' exercises (a wrong answer raises ``ExerciseFailed``).
Nothing here touches global random state or matplotlib's rcParams: randomness comes in as an
``rng``/``generator`` argument and styling as an explicit call.
"""

__version__ = "0.1.0"
