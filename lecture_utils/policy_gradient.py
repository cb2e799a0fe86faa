"""Policy gradients: the score-function estimator applied to trajectories (REINFORCE, actor-critic).

Rollouts run on Gymnasium vector environments (any ``VectorEnv`` with next-step autoreset, e.g.
``gym.make_vec("CartPole-v1", vectorization_mode="vector_entry_point")`` or ``SyncVectorEnv``).
Randomness is explicit: an ``np.random.Generator`` samples actions, ``seed`` resets environments, and a
``torch.Generator`` initializes networks.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import torch
from numpy.typing import ArrayLike
from torch import nn

from lecture_utils import checks, training
from lecture_utils.sampling import categorical_from_cumulative

__all__ = [
    "Batch", "ReinforceConfig", "advantages", "collect_episodes", "evaluate_policy", "per_episode_gradients",
    "reward_to_go", "surrogate_loss", "time_baseline", "train_reinforce",
]


def _check_env_id(env_id: Any) -> str:
    """``env_id`` if Gymnasium has it registered."""
    import gymnasium as gym

    if not isinstance(env_id, str):
        raise checks.BadArgumentType(f"env_id must be a str, got {checks.show(env_id)}")
    if env_id not in gym.registry:
        raise checks.BadArgument(f"env_id must be a registered Gymnasium environment, got {env_id!r}")
    return env_id


def _check_weights(weights: ArrayLike, batch: Batch, name: str = "weights") -> np.ndarray:
    """Per-step weights of shape (T, N), finite."""
    return checks.array(name, weights, shape=batch.mask.shape, min_size=0)


# --------------------------------------------------------------------------------------------------
# Rollouts
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Batch:
    """One episode per environment, stored time-major and padded with ``mask`` = False after the end.

    An episode ends either in a terminal state or because a time limit cut it (``truncated``: the env's own
    limit, e.g. CartPole-v1's 500 steps, or ``collect_episodes``' ``max_steps``); ``final_obs`` is the state
    s_T reached by its last step, whose value a critic can bootstrap from after a cut.
    """

    obs: np.ndarray  # (T, N, obs_dim) float32, s_t
    actions: np.ndarray  # (T, N) int64, a_t
    rewards: np.ndarray  # (T, N) float32, r_t (the reward after a_t)
    mask: np.ndarray  # (T, N) bool, step t belongs to episode n (a prefix of each column)
    truncated: np.ndarray  # (N,) bool, episode n was cut by a time limit rather than terminated
    final_obs: np.ndarray  # (N, obs_dim) float32, s_T reached by episode n's last step

    def __post_init__(self) -> None:
        obs = checks.array("obs", self.obs, ndim=3, dtype=np.float32)
        T, N, D = obs.shape
        if np.asarray(self.actions).dtype.kind not in "iu":
            raise checks.BadArgumentType(f"actions must hold integer actions, "
                                         f"got {checks.show(self.actions)}")
        actions = checks.array("actions", self.actions, shape=(T, N), dtype=np.int64, low=0)
        rewards = checks.array("rewards", self.rewards, shape=(T, N), dtype=np.float32)
        mask = checks.array("mask", self.mask, shape=(T, N), dtype=bool)
        if (np.diff(mask.astype(np.int8), axis=0) > 0).any():
            raise checks.BadArgument(f"mask must mark a prefix of steps in each column (an episode per env), "
                                     f"got {checks.show(mask)}")
        truncated = checks.array("truncated", self.truncated, shape=(N,), dtype=bool)
        final_obs = checks.array("final_obs", self.final_obs, shape=(N, D), dtype=np.float32)
        for name, value in (("obs", obs), ("actions", actions), ("rewards", rewards), ("mask", mask),
                            ("truncated", truncated), ("final_obs", final_obs)):
            object.__setattr__(self, name, value)  # the canonical dtypes (the dataclass is frozen)

    @property
    def returns(self) -> np.ndarray:
        """Undiscounted return R(tau) of each episode, (N,)."""
        return (self.rewards * self.mask).sum(axis=0)


def _probs_fn(policy: nn.Module, device: torch.device) -> Callable[[np.ndarray], np.ndarray]:
    """pi(.|s) as a numpy function; a tanh/ReLU MLP is evaluated in numpy (no per-step torch overhead)."""
    layers = list(policy) if isinstance(policy, nn.Sequential) else []
    if layers and all(isinstance(m, nn.Linear | nn.Tanh | nn.ReLU) for m in layers):
        weights = [(m.weight.detach().cpu().double().numpy().T, m.bias.detach().cpu().double().numpy())
                   if isinstance(m, nn.Linear) else m for m in layers]

        def probs(obs: np.ndarray) -> np.ndarray:
            h = obs.astype(np.float64)
            for w in weights:
                if isinstance(w, tuple):
                    h = h @ w[0] + w[1]
                else:
                    h = np.tanh(h) if isinstance(w, nn.Tanh) else np.maximum(h, 0.0)
            h = np.exp(h - h.max(axis=1, keepdims=True))
            return h / h.sum(axis=1, keepdims=True)

        return probs

    def probs_torch(obs: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            logits = policy(torch.as_tensor(obs, device=device))
            return torch.softmax(logits, dim=-1).cpu().numpy().astype(np.float64)

    return probs_torch


def collect_episodes(envs: Any, policy: nn.Module, *, seed: int, rng: np.random.Generator | None = None,
                     greedy: bool = False, device: str | torch.device = "cpu",
                     max_steps: int = 10_000) -> Batch:
    """Run the first episode of every sub-environment of ``envs`` under ``policy`` (sampled or greedy)."""
    from gymnasium import spaces
    from gymnasium.vector import AutoresetMode

    if not isinstance(getattr(envs, "single_action_space", None), spaces.Discrete):
        space = getattr(envs, "single_action_space", envs)
        raise checks.BadArgument(f"envs.single_action_space must be spaces.Discrete (a vector env with "
                                 f"discrete actions), got {checks.show(space)}")
    # Next-step autoreset: the step that ends an episode returns its final observation s_T (kept for
    # bootstrapping); the env restarts on the following step, whose transitions we mask out.
    mode = getattr(envs, "metadata", {}).get("autoreset_mode", AutoresetMode.NEXT_STEP)
    if mode != AutoresetMode.NEXT_STEP:
        raise checks.BadArgument(f"envs must autoreset on the next step (AutoresetMode.NEXT_STEP), "
                                 f"got {mode}")
    checks.instance("policy", policy, nn.Module)
    if not all(bool(torch.isfinite(p).all()) for p in policy.parameters()):
        raise checks.BadArgument("policy has non-finite parameters (a too-large learning rate?)")
    seed = checks.nonnegative_int("seed", seed)
    checks.flag("greedy", greedy)
    if not greedy:
        checks.rng("rng (needed to sample actions unless greedy=True)", rng)
    max_steps = checks.positive_int("max_steps", max_steps)
    probs_of = _probs_fn(policy, checks.device("device", device))
    obs, _ = envs.reset(seed=seed)
    n = obs.shape[0]
    alive = np.ones(n, dtype=bool)
    truncated = np.zeros(n, dtype=bool)
    final_obs = np.zeros_like(obs, dtype=np.float32)
    obs_l, act_l, rew_l, mask_l = [], [], [], []
    for _ in range(max_steps):
        probs = probs_of(obs)  # (N, A)
        if greedy:
            action = probs.argmax(axis=1)
        else:  # inverse-CDF sampling with our own generator
            action = categorical_from_cumulative(probs.cumsum(axis=1), rng.random(n))  # type: ignore[union-attr]
        next_obs, reward, terminated, cut, _ = envs.step(action)
        obs_l.append(obs)
        act_l.append(action)
        rew_l.append(np.asarray(reward, dtype=np.float32))
        mask_l.append(alive.copy())
        ended = alive & (terminated | cut)
        obs = next_obs
        if ended.any():  # most steps end no episode: skip the bookkeeping
            truncated[ended] = ~terminated[ended]  # a pole that falls at the time limit still fell
            final_obs[ended] = next_obs[ended]
            alive &= ~ended  # later steps of this env belong to its next (autoreset) episode
            if not alive.any():
                break
    truncated |= alive  # episodes still running after max_steps are cut by our own time limit
    final_obs[alive] = obs[alive]
    return Batch(np.stack(obs_l).astype(np.float32), np.stack(act_l).astype(np.int64),
                 np.stack(rew_l) * np.stack(mask_l), np.stack(mask_l), truncated, final_obs)


def _discounted_cumsum(x: np.ndarray, mask: np.ndarray, discount: float) -> np.ndarray:
    """sum_{t' >= t} discount^(t'-t) x_t' within each masked episode, (T, N); unchecked kernel."""
    out = np.zeros(x.shape, dtype=np.float64)
    running = np.zeros(x.shape[1])
    for t in range(x.shape[0] - 1, -1, -1):
        running = x[t] * mask[t] + discount * running * mask[t]
        out[t] = running
    return out


def reward_to_go(rewards: ArrayLike, mask: ArrayLike, gamma: float) -> np.ndarray:
    """Discounted reward-to-go G_t = sum_{t' >= t} gamma^(t'-t) r_t' of each step, (T, N)."""
    rewards = checks.array("rewards", rewards, ndim=2)
    mask = checks.array("mask", mask, shape=rewards.shape, dtype=bool)
    return _discounted_cumsum(rewards, mask, checks.unit_interval("gamma", gamma))


def time_baseline(batch: Batch, gamma: float, horizon: int) -> np.ndarray:
    """b_t = mean reward-to-go at step t over the episodes of ``batch`` still running at t, (horizon,)."""
    checks.instance("batch", batch, Batch)
    horizon = checks.positive_int("horizon", horizon)
    G = _discounted_cumsum(batch.rewards, batch.mask, checks.unit_interval("gamma", gamma))
    T = min(horizon, G.shape[0])
    b = np.zeros(horizon)
    b[:T] = G[:T].sum(axis=1) / np.maximum(batch.mask[:T].sum(axis=1), 1)
    return b


def _log_probs(policy: nn.Module, batch: Batch, device: str | torch.device = "cpu") -> torch.Tensor:
    """log pi_theta(a_t | s_t) for every step of the batch, (T, N), differentiable in theta."""
    obs = torch.as_tensor(batch.obs, device=device)
    actions = torch.as_tensor(batch.actions, device=device)
    logp = torch.log_softmax(policy(obs), dim=-1)  # (T, N, A)
    return logp.gather(-1, actions[..., None]).squeeze(-1)


def surrogate_loss(policy: nn.Module, batch: Batch, weights: ArrayLike,
                   device: str | torch.device = "cpu") -> torch.Tensor:
    """-(1/N) sum_n sum_t w_t log pi(a_t|s_t): its gradient is minus the score-function estimate."""
    checks.instance("policy", policy, nn.Module)
    w = _check_weights(weights, checks.instance("batch", batch, Batch))
    device = checks.device("device", device)
    w_t = torch.as_tensor(w * batch.mask, dtype=torch.float32, device=device)
    return -(_log_probs(policy, batch, device) * w_t).sum() / batch.obs.shape[1]


def per_episode_gradients(policy: nn.Module, batch: Batch, weights: ArrayLike) -> np.ndarray:
    """Score-function estimates sum_t w_t grad log pi(a_t|s_t), one per episode, (N, n_params)."""
    from torch.func import functional_call, grad, vmap

    checks.instance("policy", policy, nn.Module)
    w = _check_weights(weights, checks.instance("batch", batch, Batch))
    params = {k: v.detach().cpu() for k, v in policy.named_parameters()}
    t_idx, n_idx = np.nonzero(batch.mask)  # the M real steps, in (t, n) order

    def logp(p: dict[str, torch.Tensor], s: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
        return torch.log_softmax(functional_call(policy, p, (s,)), dim=-1).gather(-1, a[None])[0]

    scores = vmap(grad(logp), in_dims=(None, 0, 0))(  # per-step grad log pi(a_t|s_t), each (M, *shape)
        params, torch.as_tensor(batch.obs[t_idx, n_idx]), torch.as_tensor(batch.actions[t_idx, n_idx]))
    flat = torch.cat([g.reshape(len(t_idx), -1) for g in scores.values()], dim=1).double().numpy()
    out = np.zeros((batch.obs.shape[1], flat.shape[1]))
    np.add.at(out, n_idx, w[t_idx, n_idx, None] * flat)
    return out


# --------------------------------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReinforceConfig:
    """Settings of REINFORCE with a learned baseline (and its actor-critic variant)."""

    env_id: str = "CartPole-v1"
    n_envs: int = 16  # episodes per update, run as one vector environment
    hidden: int = 64
    lr: float = 1e-2
    critic_lr: float = 1e-2
    gamma: float = 0.99
    estimator: Literal["reinforce", "actor_critic"] = "reinforce"
    gae_lambda: float = 0.95  # only for the actor-critic variant
    critic_steps: int = 5  # value-function gradient steps per batch
    max_updates: int = 200
    target_return: float = 495.0  # stop once the mean return of the last `window` batches reaches it
    window: int = 5
    # ... and the greedy policy (what evaluate_policy scores) reaches it too, on this many fresh episodes:
    # the sampled policy can hit the target while its argmax still drops the pole (0 turns this off).
    greedy_check_episodes: int = 32

    def __post_init__(self) -> None:
        _check_env_id(self.env_id)
        checks.integer("n_envs", self.n_envs, low=2)  # advantages are normalized over the batch
        for name in ("hidden", "max_updates", "window"):
            checks.positive_int(name, getattr(self, name))
        for name in ("critic_steps", "greedy_check_episodes"):
            checks.nonnegative_int(name, getattr(self, name))
        checks.positive("lr", self.lr)
        checks.positive("critic_lr", self.critic_lr)
        checks.unit_interval("gamma", self.gamma)
        checks.unit_interval("gae_lambda", self.gae_lambda)
        checks.choice("estimator", self.estimator, ("reinforce", "actor_critic"))
        checks.real("target_return", self.target_return)


def _make_vec_env(env_id: str, n_envs: int) -> Any:
    """Gymnasium's own batched env where it has one (CartPole-v1: numpy arrays), else a SyncVectorEnv."""
    import gymnasium as gym

    mode = "vector_entry_point" if gym.spec(env_id).vector_entry_point is not None else "sync"
    return gym.make_vec(env_id, num_envs=n_envs, vectorization_mode=mode)


def advantages(batch: Batch, values: ArrayLike, final_values: ArrayLike,
               config: ReinforceConfig) -> tuple[np.ndarray, np.ndarray]:
    """(advantage, critic target) per step: G_t - V(s_t) for REINFORCE, GAE(lambda) for actor-critic.

    ``values`` (T, N) are the critic's V(s_t), ``final_values`` (N,) its V(s_T) at each episode's final
    observation, used where a time limit cut the episode (``batch.truncated``).
    """
    checks.instance("batch", batch, Batch)
    checks.instance("config", config, ReinforceConfig)
    values = checks.array("values", values, shape=batch.mask.shape)
    final_values = checks.array("final_values", final_values, shape=batch.truncated.shape)
    G = _discounted_cumsum(batch.rewards, batch.mask, config.gamma)
    if config.estimator == "reinforce":
        # Monte Carlo: G_t sums the rewards the episode actually collected, so an episode cut by the time
        # limit counts as if it ended there (final_values is not used). That is exactly the return of the
        # 500-step objective CartPole-v1 scores; the baseline, which does not see t, just fits it less well
        # near the cut.
        return G - values, G
    # Actor-critic: bootstrap from V(s_{t+1}). After an episode's last step that is 0 when it reached a
    # terminal state, but V(s_T) when a time limit cut it: the state is not terminal, the return goes on.
    T, N = batch.mask.shape
    next_values = np.zeros((T, N))
    next_values[:-1] = values[1:] * batch.mask[1:]
    length = batch.mask.sum(axis=0)
    cut = np.flatnonzero(batch.truncated & (length > 0))
    next_values[length[cut] - 1, cut] = final_values[cut]
    delta = batch.rewards + config.gamma * next_values - values
    adv = _discounted_cumsum(delta, batch.mask, config.gamma * config.gae_lambda)  # GAE: sum of deltas
    return adv, adv + values


def train_reinforce(config: ReinforceConfig = ReinforceConfig(), *, seed: int,
                    device: str | torch.device = "cpu",
                    progress: bool = False) -> tuple[nn.Module, training.History]:
    """Train a softmax MLP policy by REINFORCE (learned baseline) or actor-critic; return it and a History.

    The History has one entry per update: ``mean_return`` (of the batch's episodes) and ``env_steps``.
    """
    checks.instance("config", config, ReinforceConfig)
    seed = checks.nonnegative_int("seed", seed)
    device = checks.device("device", device)
    checks.flag("progress", progress)
    envs = _make_vec_env(config.env_id, config.n_envs)
    bar = training.progress_bar(config.max_updates, desc=config.estimator.replace("_", "-"), enabled=progress)
    try:
        obs_dim = int(np.prod(envs.single_observation_space.shape))
        n_actions = int(envs.single_action_space.n)
        gen = torch.Generator().manual_seed(seed)
        # Policy first, then critic, from one generator: the draw order fixes both initialisations.
        policy = training.mlp([obs_dim, config.hidden, n_actions], generator=gen).to(device)
        critic = training.mlp([obs_dim, config.hidden, 1], generator=gen).to(device)
        opt = torch.optim.Adam(policy.parameters(), lr=config.lr)
        opt_v = torch.optim.Adam(critic.parameters(), lr=config.critic_lr)
        rng = np.random.default_rng(seed)
        history = training.History(series={"mean_return": [], "env_steps": []})
        start = time.perf_counter()
        for k in range(config.max_updates):
            batch = collect_episodes(envs, policy, seed=seed * 100_003 + k, rng=rng, device=device)
            obs = torch.as_tensor(batch.obs, device=device)
            with torch.no_grad():
                values = critic(obs).squeeze(-1).cpu().numpy().astype(np.float64)
                final_values = critic(torch.as_tensor(batch.final_obs, device=device)).squeeze(-1)
            adv, target = advantages(batch, values, final_values.cpu().numpy().astype(np.float64), config)
            m = batch.mask
            adv = (adv - adv[m].mean()) / (adv[m].std() + 1e-8)  # normalized advantages: a scale-free step
            opt.zero_grad()
            surrogate_loss(policy, batch, adv, device).backward()
            opt.step()
            checks.finite_iterate(_max_abs(policy), step_name="lr", step=config.lr,
                                  what="the policy's weights")
            target_t = torch.as_tensor(target, dtype=torch.float32, device=device)
            mask_t = torch.as_tensor(m, device=device)
            for _ in range(config.critic_steps):  # regress V(s_t) on its target
                opt_v.zero_grad()
                ((critic(obs).squeeze(-1) - target_t)[mask_t] ** 2).mean().backward()
                opt_v.step()
            checks.finite_iterate(_max_abs(critic), step_name="critic_lr", step=config.critic_lr,
                                  what="the critic's weights")
            history.log(mean_return=float(batch.returns.mean()), env_steps=int(m.sum()))
            bar.update(1)
            check_seed = 1_000_003 * (seed + 1) + k
            if (np.mean(history.mean_return[-config.window:]) >= config.target_return
                    and _greedy_reaches_target(policy, config, seed=check_seed, device=device)):
                break
        history.wall_s = time.perf_counter() - start
        training.finish_bar(bar)
    finally:
        envs.close()
        bar.close()
    return policy, history


def _max_abs(module: nn.Module) -> float:
    """Largest |weight| of ``module``: a too-large step size sends it to inf (or past 1e12) first."""
    return max(float(p.detach().abs().max()) for p in module.parameters())


def _greedy_reaches_target(policy: nn.Module, config: ReinforceConfig, *, seed: int,
                           device: str | torch.device) -> bool:
    """Whether argmax_a pi(a|s) reaches the target return on fresh episodes (always, if the check is off)."""
    if config.greedy_check_episodes == 0:
        return True
    returns = evaluate_policy(policy, n_episodes=config.greedy_check_episodes, seed=seed,
                              env_id=config.env_id, device=device)
    return bool(returns.mean() >= config.target_return)


def evaluate_policy(policy: nn.Module, *, n_episodes: int = 100, seed: int, env_id: str = "CartPole-v1",
                    device: str | torch.device = "cpu") -> np.ndarray:
    """Returns (n_episodes,) of the greedy policy argmax_a pi(a|s) on fresh, seeded episodes."""
    checks.instance("policy", policy, nn.Module)
    n_episodes = checks.positive_int("n_episodes", n_episodes)
    seed = checks.nonnegative_int("seed", seed)
    envs = _make_vec_env(_check_env_id(env_id), n_episodes)
    try:
        batch = collect_episodes(envs, policy, seed=seed, greedy=True, device=device)
    finally:
        envs.close()
    return batch.returns
