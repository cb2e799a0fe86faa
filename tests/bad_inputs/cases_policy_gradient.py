"""Bad inputs for lecture_utils.policy_gradient."""

import gymnasium as gym
import numpy as np
import torch

from bad_inputs.case import Case
from lecture_utils import policy_gradient as pg
from lecture_utils import training

NO_BAD_INPUT: dict[str, str] = {}

RNG = np.random.default_rng(0)
CFG = pg.ReinforceConfig()
W = np.ones((2, 2))  # per-step weights of the batch below


def _batch(**change):
    """A valid batch of two episodes (lengths 2 and 1) with some fields replaced."""
    fields = dict(obs=np.zeros((2, 2, 4)), actions=np.zeros((2, 2), np.int64), rewards=np.ones((2, 2)),
                  mask=np.array([[True, True], [True, False]]), truncated=np.array([False, True]),
                  final_obs=np.zeros((2, 4)))
    return pg.Batch(**{**fields, **change})


def _policy():
    return training.mlp([4, 2], generator=torch.Generator().manual_seed(0))


def _nan_policy():
    policy = _policy()
    with torch.no_grad():
        policy[0].bias.fill_(float("nan"))
    return policy


def _envs(n=2):
    return gym.make_vec("CartPole-v1", num_envs=n, vectorization_mode="vector_entry_point")


def _collect(**kw):
    args = dict(envs=_envs(), policy=_policy(), seed=0, rng=RNG)
    return pg.collect_episodes(**{**args, **kw})


CASES = [
    # Batch
    Case("policy_gradient.Batch", "wrong shape", "obs", lambda: _batch(obs=np.zeros((2, 2)))),
    Case("policy_gradient.Batch", "nan", "obs", lambda: _batch(obs=np.full((2, 2, 4), np.nan))),
    Case("policy_gradient.Batch", "wrong dtype", "obs", lambda: _batch(obs=np.full((2, 2, 4), "x"))),
    Case("policy_gradient.Batch", "float for int", "actions", lambda: _batch(actions=np.zeros((2, 2)))),
    Case("policy_gradient.Batch", "out of range", "actions",
         lambda: _batch(actions=-np.ones((2, 2), np.int64))),
    Case("policy_gradient.Batch", "wrong shape", "actions",
         lambda: _batch(actions=np.zeros((3, 2), np.int64))),
    Case("policy_gradient.Batch", "inf", "rewards", lambda: _batch(rewards=np.full((2, 2), np.inf))),
    Case("policy_gradient.Batch", "wrong shape", "rewards", lambda: _batch(rewards=np.ones(2))),
    Case("policy_gradient.Batch", "not a prefix", "mask",
         lambda: _batch(mask=np.array([[False, True], [True, True]]))),
    Case("policy_gradient.Batch", "wrong shape", "truncated", lambda: _batch(truncated=np.zeros(3, bool))),
    Case("policy_gradient.Batch", "wrong shape", "final_obs", lambda: _batch(final_obs=np.zeros((2, 3)))),
    Case("policy_gradient.Batch", "nan", "final_obs", lambda: _batch(final_obs=np.full((2, 4), np.nan))),
    # ReinforceConfig
    Case("policy_gradient.ReinforceConfig", "unknown env", "env_id",
         lambda: pg.ReinforceConfig(env_id="NoSuchEnv-v0")),
    Case("policy_gradient.ReinforceConfig", "wrong type", "env_id", lambda: pg.ReinforceConfig(env_id=3)),
    Case("policy_gradient.ReinforceConfig", "out of range", "n_envs", lambda: pg.ReinforceConfig(n_envs=1)),
    Case("policy_gradient.ReinforceConfig", "float for int", "n_envs",
         lambda: pg.ReinforceConfig(n_envs=16.0)),
    Case("policy_gradient.ReinforceConfig", "out of range", "hidden", lambda: pg.ReinforceConfig(hidden=0)),
    Case("policy_gradient.ReinforceConfig", "zero", "lr", lambda: pg.ReinforceConfig(lr=0.0)),
    Case("policy_gradient.ReinforceConfig", "nan", "lr", lambda: pg.ReinforceConfig(lr=float("nan"))),
    Case("policy_gradient.ReinforceConfig", "negative", "critic_lr",
         lambda: pg.ReinforceConfig(critic_lr=-1.0)),
    Case("policy_gradient.ReinforceConfig", "out of range", "gamma", lambda: pg.ReinforceConfig(gamma=1.5)),
    Case("policy_gradient.ReinforceConfig", "out of range", "gae_lambda",
         lambda: pg.ReinforceConfig(gae_lambda=1.5)),
    Case("policy_gradient.ReinforceConfig", "nan", "gae_lambda",
         lambda: pg.ReinforceConfig(gae_lambda=float("nan"))),
    Case("policy_gradient.ReinforceConfig", "unknown option", "estimator",
         lambda: pg.ReinforceConfig(estimator="ppo")),
    Case("policy_gradient.ReinforceConfig", "negative", "critic_steps",
         lambda: pg.ReinforceConfig(critic_steps=-1)),
    Case("policy_gradient.ReinforceConfig", "out of range", "max_updates",
         lambda: pg.ReinforceConfig(max_updates=0)),
    Case("policy_gradient.ReinforceConfig", "float for int", "window",
         lambda: pg.ReinforceConfig(window=2.5)),
    Case("policy_gradient.ReinforceConfig", "inf", "target_return",
         lambda: pg.ReinforceConfig(target_return=float("inf"))),
    Case("policy_gradient.ReinforceConfig", "negative", "greedy_check_episodes",
         lambda: pg.ReinforceConfig(greedy_check_episodes=-1)),
    # rollouts
    Case("policy_gradient.collect_episodes", "out of range", "max_steps", lambda: _collect(max_steps=0)),
    Case("policy_gradient.collect_episodes", "float for int", "max_steps", lambda: _collect(max_steps=2.5)),
    Case("policy_gradient.collect_episodes", "negative", "seed", lambda: _collect(seed=-1)),
    Case("policy_gradient.collect_episodes", "float for int", "seed", lambda: _collect(seed=1.5)),
    Case("policy_gradient.collect_episodes", "missing rng", "rng", lambda: _collect(rng=None)),
    Case("policy_gradient.collect_episodes", "wrong type", "greedy", lambda: _collect(greedy="yes")),
    Case("policy_gradient.collect_episodes", "continuous actions", "single_action_space",
         lambda: _collect(envs=gym.make_vec("MountainCarContinuous-v0", num_envs=1))),
    Case("policy_gradient.collect_episodes", "same-step autoreset", "autoreset",
         lambda: _collect(envs=gym.vector.SyncVectorEnv(
             [lambda: gym.make("CartPole-v1")], autoreset_mode=gym.vector.AutoresetMode.SAME_STEP))),
    Case("policy_gradient.collect_episodes", "not a module", "policy",
         lambda: _collect(policy=lambda obs: obs)),
    Case("policy_gradient.collect_episodes", "nan", "policy", lambda: _collect(policy=_nan_policy())),
    Case("policy_gradient.collect_episodes", "unknown device", "device", lambda: _collect(device="gpu7")),
    Case("policy_gradient.evaluate_policy", "out of range", "n_episodes",
         lambda: pg.evaluate_policy(_policy(), n_episodes=0, seed=0)),
    Case("policy_gradient.evaluate_policy", "float for int", "n_episodes",
         lambda: pg.evaluate_policy(_policy(), n_episodes=10.0, seed=0)),
    Case("policy_gradient.evaluate_policy", "negative", "seed",
         lambda: pg.evaluate_policy(_policy(), seed=-1)),
    Case("policy_gradient.evaluate_policy", "unknown env", "env_id",
         lambda: pg.evaluate_policy(_policy(), seed=0, env_id="NoSuchEnv-v0")),
    Case("policy_gradient.evaluate_policy", "not a module", "policy",
         lambda: pg.evaluate_policy("policy", seed=0)),
    # returns, baselines, advantages
    Case("policy_gradient.reward_to_go", "out of range", "gamma", lambda: pg.reward_to_go(W, W > 0, 2.0)),
    Case("policy_gradient.reward_to_go", "nan", "gamma", lambda: pg.reward_to_go(W, W > 0, float("nan"))),
    Case("policy_gradient.reward_to_go", "nan", "rewards",
         lambda: pg.reward_to_go(np.full((2, 2), np.nan), W > 0, 0.9)),
    Case("policy_gradient.reward_to_go", "wrong shape", "rewards",
         lambda: pg.reward_to_go(np.ones(3), np.ones(3, bool), 0.9)),
    Case("policy_gradient.reward_to_go", "empty", "rewards",
         lambda: pg.reward_to_go(np.ones((0, 2)), np.ones((0, 2)), 0.9)),
    Case("policy_gradient.reward_to_go", "wrong shape", "mask",
         lambda: pg.reward_to_go(W, np.ones((3, 2), bool), 0.9)),
    Case("policy_gradient.time_baseline", "out of range", "horizon",
         lambda: pg.time_baseline(_batch(), 0.9, horizon=0)),
    Case("policy_gradient.time_baseline", "float for int", "horizon",
         lambda: pg.time_baseline(_batch(), 0.9, horizon=2.5)),
    Case("policy_gradient.time_baseline", "out of range", "gamma",
         lambda: pg.time_baseline(_batch(), -0.1, horizon=2)),
    Case("policy_gradient.time_baseline", "wrong type", "batch", lambda: pg.time_baseline(W, 0.9, horizon=2)),
    Case("policy_gradient.advantages", "wrong shape", "values",
         lambda: pg.advantages(_batch(), np.zeros(2), np.zeros(2), CFG)),
    Case("policy_gradient.advantages", "nan", "values",
         lambda: pg.advantages(_batch(), np.full((2, 2), np.nan), np.zeros(2), CFG)),
    Case("policy_gradient.advantages", "wrong shape", "final_values",
         lambda: pg.advantages(_batch(), W, np.zeros(3), CFG)),
    Case("policy_gradient.advantages", "inf", "final_values",
         lambda: pg.advantages(_batch(), W, np.array([0.0, np.inf]), CFG)),
    Case("policy_gradient.advantages", "wrong type", "config",
         lambda: pg.advantages(_batch(), W, np.zeros(2), {"gamma": 0.9})),
    Case("policy_gradient.advantages", "wrong type", "batch", lambda: pg.advantages(W, W, np.zeros(2), CFG)),
    # the score-function estimator
    Case("policy_gradient.surrogate_loss", "wrong shape", "weights",
         lambda: pg.surrogate_loss(_policy(), _batch(), np.ones(2))),
    Case("policy_gradient.surrogate_loss", "inf", "weights",
         lambda: pg.surrogate_loss(_policy(), _batch(), np.full((2, 2), np.inf))),
    Case("policy_gradient.surrogate_loss", "not a module", "policy",
         lambda: pg.surrogate_loss(None, _batch(), W)),
    Case("policy_gradient.surrogate_loss", "unknown device", "device",
         lambda: pg.surrogate_loss(_policy(), _batch(), W, device="gpu7")),
    Case("policy_gradient.per_episode_gradients", "nan", "weights",
         lambda: pg.per_episode_gradients(_policy(), _batch(), np.full((2, 2), np.nan))),
    Case("policy_gradient.per_episode_gradients", "wrong shape", "weights",
         lambda: pg.per_episode_gradients(_policy(), _batch(), np.ones((3, 2)))),
    Case("policy_gradient.per_episode_gradients", "wrong type", "batch",
         lambda: pg.per_episode_gradients(_policy(), W, W)),
    # training
    Case("policy_gradient.train_reinforce", "wrong type", "config",
         lambda: pg.train_reinforce({"lr": 0.01}, seed=0)),
    Case("policy_gradient.train_reinforce", "negative", "seed", lambda: pg.train_reinforce(CFG, seed=-1)),
    Case("policy_gradient.train_reinforce", "float for int", "seed",
         lambda: pg.train_reinforce(CFG, seed=0.5)),
    Case("policy_gradient.train_reinforce", "wrong type", "device",
         lambda: pg.train_reinforce(CFG, seed=0, device=0)),
    Case("policy_gradient.train_reinforce", "callable for bool", "progress",
         lambda: pg.train_reinforce(CFG, seed=0, progress=lambda n: range(n))),
]
