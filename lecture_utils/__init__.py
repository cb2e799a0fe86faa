"""Helpers for the deep-learning lecture notebooks.

One module per topic (``estimators``, ``sampling``, ``vae``, ``gan``, ``mdp`` with its
``gridworld`` environment, ``rl`` and ``policy_gradient``) plus shared ``data`` and ``plotting``.
Nothing here touches global random state or matplotlib's rcParams: randomness comes in as an
``rng``/``generator`` argument and styling as an explicit call.
"""

__version__ = "0.1.0"
