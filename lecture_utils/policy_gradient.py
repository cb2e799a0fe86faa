"""Policy gradients: the score-function estimator applied to trajectories (REINFORCE, actor-critic).

Rollouts run on Gymnasium vector environments (any ``VectorEnv`` with next-step autoreset, e.g.
``gym.make_vec("CartPole-v1", vectorization_mode="vector_entry_point")`` or ``SyncVectorEnv``).
Randomness is explicit: an ``np.random.Generator`` samples actions, ``seed`` resets environments, and a
``torch.Generator`` initializes networks.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import torch
from torch import nn

from lecture_utils.rl import _check_alpha, _check_gamma


def mlp(sizes: list[int], *, generator: torch.Generator) -> nn.Sequential:
    """A tanh MLP with the given layer sizes, initialized from ``generator`` (PyTorch's default scheme)."""
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"sizes must list at least two positive layer widths, got {sizes}")
    layers: list[nn.Module] = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        lin = nn.Linear(n_in, n_out)
        bound = 1.0 / math.sqrt(n_in)  # nn.Linear's default range, drawn from our generator instead
        with torch.no_grad():
            lin.weight.uniform_(-bound, bound, generator=generator)
            lin.bias.uniform_(-bound, bound, generator=generator)
        layers.append(lin)
        if i < len(sizes) - 2:
            layers.append(nn.Tanh())
    return nn.Sequential(*layers)


# --------------------------------------------------------------------------------------------------
# A lean numpy-batched CartPole (Gymnasium's CartPole-v1 dynamics, step for step)
# --------------------------------------------------------------------------------------------------
class BatchedCartPole:
    """N copies of CartPole-v1 stepped as arrays; an env that terminates stays put (no autoreset).

    The dynamics are Gymnasium's ``CartPoleEnv.step`` line by line in float64 (tests compare the two
    step for step), without the per-call checks and autoreset bookkeeping of ``CartPoleVectorEnv``.
    """

    gravity, masscart, masspole, length, force_mag, tau = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
    theta_threshold_radians = 12 * 2 * math.pi / 360
    x_threshold = 2.4

    def __init__(self, num_envs: int, max_episode_steps: int = 500) -> None:
        from gymnasium import spaces

        if num_envs < 1:
            raise ValueError(f"num_envs must be >= 1, got {num_envs}")
        self.num_envs, self.max_episode_steps = num_envs, max_episode_steps
        self.total_mass = self.masspole + self.masscart
        self.polemass_length = self.masspole * self.length
        high = np.array([4.8, np.inf, 2 * self.theta_threshold_radians, np.inf], dtype=np.float32)
        self.single_observation_space = spaces.Box(-high, high, dtype=np.float32)
        self.single_action_space = spaces.Discrete(2)
        self.state = np.zeros((num_envs, 4))
        self.done = np.ones(num_envs, dtype=bool)
        self.steps = np.zeros(num_envs, dtype=np.int64)

    def reset(self, *, seed: int | None = None) -> tuple[np.ndarray, dict]:
        """Draw every env's state uniformly from [-0.05, 0.05]^4, as CartPole-v1 does."""
        self.np_random = np.random.default_rng(seed)
        self.state = self.np_random.uniform(-0.05, 0.05, size=(self.num_envs, 4))
        self.done[:] = False
        self.steps[:] = 0
        return self.state.astype(np.float32), {}

    def step(self, action: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict]:
        """Advance every running env by one Euler step of 0.02 s; reward 1 per step while running."""
        x, x_dot, theta, theta_dot = self.state.T
        force = np.where(np.asarray(action) == 1, self.force_mag, -self.force_mag)
        costheta, sintheta = np.cos(theta), np.sin(theta)
        temp = (force + self.polemass_length * np.square(theta_dot) * sintheta) / self.total_mass
        thetaacc = (self.gravity * sintheta - costheta * temp) / (
            self.length * (4.0 / 3.0 - self.masspole * np.square(costheta) / self.total_mass))
        xacc = temp - self.polemass_length * thetaacc * costheta / self.total_mass
        new = np.stack([x + self.tau * x_dot, x_dot + self.tau * xacc,
                        theta + self.tau * theta_dot, theta_dot + self.tau * thetaacc], axis=1)
        running = ~self.done
        self.state = np.where(running[:, None], new, self.state)
        x, theta = self.state[:, 0], self.state[:, 2]
        terminated = running & ((x < -self.x_threshold) | (x > self.x_threshold)
                                | (theta < -self.theta_threshold_radians)
                                | (theta > self.theta_threshold_radians))
        self.steps += running
        truncated = running & ~terminated & (self.steps >= self.max_episode_steps)
        reward = running.astype(np.float32)
        self.done |= terminated | truncated
        return self.state.astype(np.float32), reward, terminated, truncated, {}

    def close(self) -> None:
        """Nothing to release."""


# --------------------------------------------------------------------------------------------------
# Rollouts
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Batch:
    """One episode per environment, stored time-major and padded with ``mask`` = False after the end."""

    obs: np.ndarray  # (T, N, obs_dim) float32, s_t
    actions: np.ndarray  # (T, N) int64, a_t
    rewards: np.ndarray  # (T, N) float32, r_t (the reward after a_t)
    mask: np.ndarray  # (T, N) bool, step t belongs to episode n

    @property
    def returns(self) -> np.ndarray:
        """Undiscounted return R(tau) of each episode, (N,)."""
        return (self.rewards * self.mask).sum(axis=0)


def _probs_fn(policy: nn.Module, device: str | torch.device) -> Callable[[np.ndarray], np.ndarray]:
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

    if not isinstance(envs.single_action_space, spaces.Discrete):
        raise ValueError(f"envs.single_action_space must be spaces.Discrete, got {envs.single_action_space}")
    if not greedy and rng is None:
        raise ValueError("rng is required to sample actions (or pass greedy=True)")
    probs_of = _probs_fn(policy, device)
    obs, _ = envs.reset(seed=seed)
    n = obs.shape[0]
    alive = np.ones(n, dtype=bool)
    obs_l, act_l, rew_l, mask_l = [], [], [], []
    for _ in range(max_steps):
        probs = probs_of(obs)  # (N, A)
        if greedy:
            action = probs.argmax(axis=1)
        else:  # inverse-CDF sampling with our own generator
            action = (rng.random(n)[:, None] > probs.cumsum(axis=1)).sum(axis=1)
            action = np.minimum(action, probs.shape[1] - 1)
        next_obs, reward, terminated, truncated, _ = envs.step(action)
        obs_l.append(obs)
        act_l.append(action)
        rew_l.append(np.asarray(reward, dtype=np.float32))
        mask_l.append(alive.copy())
        alive &= ~(terminated | truncated)  # later steps of this env belong to its next (autoreset) episode
        obs = next_obs
        if not alive.any():
            break
    return Batch(np.stack(obs_l).astype(np.float32), np.stack(act_l).astype(np.int64),
                 np.stack(rew_l) * np.stack(mask_l), np.stack(mask_l))


def reward_to_go(rewards: np.ndarray, mask: np.ndarray, gamma: float) -> np.ndarray:
    """Discounted reward-to-go G_t = sum_{t' >= t} gamma^(t'-t) r_t' of each step, (T, N)."""
    _check_gamma(gamma)
    G = np.zeros_like(rewards, dtype=np.float64)
    running = np.zeros(rewards.shape[1])
    for t in range(rewards.shape[0] - 1, -1, -1):
        running = rewards[t] * mask[t] + gamma * running * mask[t]
        G[t] = running
    return G


def time_baseline(batch: Batch, gamma: float, horizon: int) -> np.ndarray:
    """b_t = mean reward-to-go at step t over the episodes of ``batch`` still running at t, (horizon,)."""
    G = reward_to_go(batch.rewards, batch.mask, gamma)
    T = min(horizon, G.shape[0])
    b = np.zeros(horizon)
    b[:T] = G[:T].sum(axis=1) / np.maximum(batch.mask[:T].sum(axis=1), 1)
    return b


def log_probs(policy: nn.Module, batch: Batch, device: str | torch.device = "cpu") -> torch.Tensor:
    """log pi_theta(a_t | s_t) for every step of the batch, (T, N), differentiable in theta."""
    obs = torch.as_tensor(batch.obs, device=device)
    actions = torch.as_tensor(batch.actions, device=device)
    logp = torch.log_softmax(policy(obs), dim=-1)  # (T, N, A)
    return logp.gather(-1, actions[..., None]).squeeze(-1)


def surrogate_loss(policy: nn.Module, batch: Batch, weights: np.ndarray,
                   device: str | torch.device = "cpu") -> torch.Tensor:
    """-(1/N) sum_n sum_t w_t log pi(a_t|s_t): its gradient is minus the score-function estimate."""
    w = torch.as_tensor(weights * batch.mask, dtype=torch.float32, device=device)
    return -(log_probs(policy, batch, device) * w).sum() / batch.obs.shape[1]


def per_episode_gradients(policy: nn.Module, batch: Batch, weights: np.ndarray) -> np.ndarray:
    """Score-function estimates sum_t w_t grad log pi(a_t|s_t), one per episode, (N, n_params)."""
    from torch.func import functional_call, grad, vmap

    params = {k: v.detach().cpu() for k, v in policy.named_parameters()}
    t_idx, n_idx = np.nonzero(batch.mask)  # the M real steps, in (t, n) order

    def logp(p: dict[str, torch.Tensor], s: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
        return torch.log_softmax(functional_call(policy, p, (s,)), dim=-1).gather(-1, a[None])[0]

    scores = vmap(grad(logp), in_dims=(None, 0, 0))(  # per-step grad log pi(a_t|s_t), each (M, *shape)
        params, torch.as_tensor(batch.obs[t_idx, n_idx]), torch.as_tensor(batch.actions[t_idx, n_idx]))
    flat = torch.cat([g.reshape(len(t_idx), -1) for g in scores.values()], dim=1).double().numpy()
    out = np.zeros((batch.obs.shape[1], flat.shape[1]))
    np.add.at(out, n_idx, weights[t_idx, n_idx, None] * flat)
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


@dataclass
class History:
    """What happened during training, one entry per update."""

    mean_return: list[float] = field(default_factory=list)
    env_steps: list[int] = field(default_factory=list)


def make_vec_env(env_id: str, n_envs: int) -> Any:
    """``BatchedCartPole`` for CartPole-v1, else Gymnasium's batched env if it has one, else SyncVectorEnv."""
    import gymnasium as gym

    if env_id == "CartPole-v1":
        return BatchedCartPole(n_envs)
    try:
        return gym.make_vec(env_id, num_envs=n_envs, vectorization_mode="vector_entry_point")
    except Exception:  # noqa: BLE001 - envs without a batched implementation
        return gym.make_vec(env_id, num_envs=n_envs, vectorization_mode="sync")


def advantages(batch: Batch, values: np.ndarray, config: ReinforceConfig) -> tuple[np.ndarray, np.ndarray]:
    """(advantage, critic target) per step: G_t - V(s_t) for REINFORCE, GAE(lambda) for actor-critic."""
    G = reward_to_go(batch.rewards, batch.mask, config.gamma)
    if config.estimator == "reinforce":
        return G - values, G
    # Actor-critic: bootstrap from V(s_{t+1}); the last step of an episode (fallen pole) has V = 0.
    next_values = np.concatenate([values[1:], np.zeros_like(values[:1])]) * np.concatenate(
        [batch.mask[1:], np.zeros_like(batch.mask[:1])])
    delta = batch.rewards + config.gamma * next_values - values
    adv = reward_to_go(delta, batch.mask, config.gamma * config.gae_lambda)  # GAE: discounted sum of deltas
    return adv, adv + values


def train_reinforce(config: ReinforceConfig = ReinforceConfig(), *, seed: int,
                    device: str | torch.device = "cpu",
                    progress: Callable[[int], Any] | None = None) -> tuple[nn.Module, History]:
    """Train a softmax MLP policy by REINFORCE (learned baseline) or actor-critic; return it and a History."""
    _check_alpha(config.lr, "lr")
    _check_alpha(config.critic_lr, "critic_lr")
    _check_gamma(config.gamma)
    if config.estimator not in ("reinforce", "actor_critic"):
        raise ValueError(f"estimator must be 'reinforce' or 'actor_critic', got {config.estimator!r}")
    if config.greedy_check_episodes < 0:
        raise ValueError(f"greedy_check_episodes must be >= 0, got {config.greedy_check_episodes}")
    if config.n_envs < 2:
        raise ValueError(f"n_envs must be >= 2 (advantages are normalized per batch), got {config.n_envs}")
    envs = make_vec_env(config.env_id, config.n_envs)
    obs_dim = int(np.prod(envs.single_observation_space.shape))
    n_actions = int(envs.single_action_space.n)
    gen = torch.Generator().manual_seed(seed)
    policy = mlp([obs_dim, config.hidden, n_actions], generator=gen).to(device)
    critic = mlp([obs_dim, config.hidden, 1], generator=gen).to(device)
    opt = torch.optim.Adam(policy.parameters(), lr=config.lr)
    opt_v = torch.optim.Adam(critic.parameters(), lr=config.critic_lr)
    rng = np.random.default_rng(seed)
    history = History()
    bar = None if progress is None else progress(config.max_updates)
    for k in range(config.max_updates):
        batch = collect_episodes(envs, policy, seed=seed * 100_003 + k, rng=rng, device=device)
        obs = torch.as_tensor(batch.obs, device=device)
        with torch.no_grad():
            values = critic(obs).squeeze(-1).cpu().numpy().astype(np.float64)
        adv, target = advantages(batch, values, config)
        m = batch.mask
        adv = (adv - adv[m].mean()) / (adv[m].std() + 1e-8)  # normalized advantages: a scale-free step
        opt.zero_grad()
        surrogate_loss(policy, batch, adv, device).backward()
        opt.step()
        target_t = torch.as_tensor(target, dtype=torch.float32, device=device)
        mask_t = torch.as_tensor(m, device=device)
        for _ in range(config.critic_steps):  # regress V(s_t) on its target
            opt_v.zero_grad()
            ((critic(obs).squeeze(-1) - target_t)[mask_t] ** 2).mean().backward()
            opt_v.step()
        history.mean_return.append(float(batch.returns.mean()))
        history.env_steps.append(int(m.sum()))
        if bar is not None:
            bar.update(1)
        if (np.mean(history.mean_return[-config.window:]) >= config.target_return
                and _greedy_reaches_target(policy, config, seed=1_000_003 * (seed + 1) + k, device=device)):
            break
    envs.close()
    if bar is not None:
        _finish_bar(bar)
    return policy, history


def _greedy_reaches_target(policy: nn.Module, config: ReinforceConfig, *, seed: int,
                           device: str | torch.device) -> bool:
    """Whether argmax_a pi(a|s) reaches the target return on fresh episodes (always, if the check is off)."""
    if config.greedy_check_episodes == 0:
        return True
    returns = evaluate_policy(policy, n_episodes=config.greedy_check_episodes, seed=seed,
                              env_id=config.env_id, device=device)
    return bool(returns.mean() >= config.target_return)


def _finish_bar(bar: Any) -> None:
    """End a progress bar full: stopping early at the target return is success, not an error."""
    bar.total = bar.n
    if hasattr(bar, "container"):  # tqdm.notebook draws a widget whose max must follow
        bar.container.children[1].max = bar.n
    bar.refresh()
    bar.close()


def evaluate_policy(policy: nn.Module, *, n_episodes: int = 100, seed: int, env_id: str = "CartPole-v1",
                    device: str | torch.device = "cpu") -> np.ndarray:
    """Returns (n_episodes,) of the greedy policy argmax_a pi(a|s) on fresh, seeded episodes."""
    if n_episodes < 1:
        raise ValueError(f"n_episodes must be >= 1, got {n_episodes}")
    envs = make_vec_env(env_id, n_episodes)
    batch = collect_episodes(envs, policy, seed=seed, greedy=True, device=device)
    envs.close()
    return batch.returns
