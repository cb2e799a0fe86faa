"""Tests for lecture_utils.policy_gradient: rollouts on vector envs, the surrogate's gradient, advantages,
REINFORCE plumbing."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
import torch
from torch import nn

from lecture_utils import checks, training
from lecture_utils import policy_gradient as pg


def _tiny_batch() -> pg.Batch:
    obs = np.array([[[1.0, 0.0], [0.5, -1.0]], [[0.0, 2.0], [0.0, 0.0]]], dtype=np.float32)  # (T=2, N=2, 2)
    actions = np.array([[0, 1], [1, 0]])
    rewards = np.array([[1.0, 1.0], [1.0, 0.0]], dtype=np.float32)
    mask = np.array([[True, True], [True, False]])
    return pg.Batch(obs, actions, rewards, mask, truncated=np.zeros(2, bool), final_obs=np.zeros((2, 2)))


def test_surrogate_gradient_equals_hand_computed_score_function_estimate():
    torch.manual_seed(0)  # test-only: the layer's initial values do not matter
    policy = nn.Sequential(nn.Linear(2, 2))
    batch = _tiny_batch()
    weights = pg.reward_to_go(batch.rewards, batch.mask, gamma=0.5)
    policy.zero_grad()
    pg.surrogate_loss(policy, batch, weights).backward()
    W, b = policy[0].weight.detach().numpy(), policy[0].bias.detach().numpy()
    gW, gb = np.zeros_like(W), np.zeros_like(b)
    n = batch.obs.shape[1]
    for t in range(2):
        for i in range(n):
            if not batch.mask[t, i]:
                continue
            s, a = batch.obs[t, i].astype(float), batch.actions[t, i]
            logits = W @ s + b
            pi = np.exp(logits - logits.max())
            pi /= pi.sum()
            score_b = np.eye(2)[a] - pi  # d log softmax(logits)_a / d logits
            gW += weights[t, i] * np.outer(score_b, s) / n
            gb += weights[t, i] * score_b / n
    np.testing.assert_allclose(-policy[0].weight.grad.numpy(), gW, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(-policy[0].bias.grad.numpy(), gb, rtol=1e-5, atol=1e-6)
    per_ep = pg.per_episode_gradients(policy, batch, weights)  # (N, 6), weight then bias
    np.testing.assert_allclose(per_ep.mean(axis=0), np.concatenate([gW.ravel(), gb]), rtol=1e-5, atol=1e-6)


def test_reward_to_go_by_hand():
    batch = _tiny_batch()
    G = pg.reward_to_go(batch.rewards, batch.mask, gamma=0.5)
    np.testing.assert_allclose(G, [[1.5, 1.0], [1.0, 0.0]])
    # Time baseline: step 0 averages both episodes' G_0, step 1 only the one still running, step 2 is empty.
    np.testing.assert_allclose(pg.time_baseline(batch, 0.5, horizon=3), [1.25, 1.0, 0.0])


def test_score_function_estimate_is_unbiased_on_a_one_step_problem():
    # One step, two actions, reward 1 for action 1: J = pi_1 = sigmoid(b1 - b0), so dJ/db1 = pi_0 pi_1.
    policy = nn.Sequential(nn.Linear(1, 2))
    with torch.no_grad():
        policy[0].weight.zero_()
        policy[0].bias.copy_(torch.tensor([0.0, 0.7]))
    rng = np.random.default_rng(0)
    n = 4000
    pi1 = 1 / (1 + np.exp(-0.7))
    actions = (rng.random(n) < pi1).astype(np.int64)
    batch = pg.Batch(np.zeros((1, n, 1), np.float32), actions[None], actions[None].astype(np.float32),
                     np.ones((1, n), bool), truncated=np.zeros(n, bool), final_obs=np.zeros((n, 1)))
    g = pg.per_episode_gradients(policy, batch, batch.rewards.astype(float))[:, -1]  # d/d b1
    exact = pi1 * (1 - pi1)
    assert abs(g.mean() - exact) < 5 * g.std() / np.sqrt(n)


def _push_left() -> nn.Module:
    """A policy whose greedy action is always 0 (push left): the pole falls after about 10 steps."""
    policy = nn.Sequential(nn.Linear(4, 2))
    with torch.no_grad():
        policy[0].weight.zero_()
        policy[0].bias.copy_(torch.tensor([5.0, 0.0]))
    return policy


def test_collect_episodes_keeps_first_episodes_across_next_step_autoreset():
    # Env 0 is cut by a 3-step time limit (truncated), env 1 runs until the pole falls (terminated); the
    # vector env autoresets env 0 on step 4 and keeps stepping it: those steps must be masked out.
    envs = gym.vector.SyncVectorEnv([lambda: gym.make("CartPole-v1", max_episode_steps=3),
                                     lambda: gym.make("CartPole-v1")])
    batch = pg.collect_episodes(envs, _push_left(), seed=5, greedy=True)
    refs = []  # the same episodes, one env at a time (SyncVectorEnv seeds env i with seed + i)
    for i in range(2):
        ref = gym.make("CartPole-v1")
        obs = [ref.reset(seed=5 + i)[0]]
        while True:
            o, _, term, trunc, _ = ref.step(0)
            obs.append(o)
            if term or trunc:
                break
        refs.append(np.array(obs))
    lengths = batch.mask.sum(axis=0)
    assert lengths[0] == 3 and lengths[1] == len(refs[1]) - 1 > 3
    np.testing.assert_array_equal(batch.truncated, [True, False])
    for i in range(2):  # s_0 .. s_{L-1} in obs, s_L in final_obs
        np.testing.assert_array_equal(batch.obs[: lengths[i], i], refs[i][: lengths[i]])
        np.testing.assert_array_equal(batch.final_obs[i], refs[i][lengths[i]])
    np.testing.assert_array_equal(batch.returns, lengths)  # +1 per step, nothing after the end
    assert (np.diff(batch.mask.astype(int), axis=0) <= 0).all()


def test_collect_episodes_max_steps_cuts_and_marks_truncated():
    envs = gym.make_vec("CartPole-v1", num_envs=3, vectorization_mode="vector_entry_point")
    batch = pg.collect_episodes(envs, _push_left(), seed=0, greedy=True, max_steps=4)
    assert batch.mask.shape == (4, 3) and batch.mask.all() and batch.truncated.all()
    # The final observation is the state after the 4th step: step once more from the same start to see it.
    envs.reset(seed=0)
    for _ in range(4):
        obs, *_ = envs.step(np.zeros(3, dtype=np.int64))
    np.testing.assert_array_equal(batch.final_obs, obs)


def test_collect_episodes_sampling_is_reproducible_and_uses_the_policy():
    policy = training.mlp([4, 8, 2], generator=torch.Generator().manual_seed(0))
    envs = gym.make_vec("CartPole-v1", num_envs=3, vectorization_mode="vector_entry_point")
    a = pg.collect_episodes(envs, policy, seed=1, rng=np.random.default_rng(0))
    b = pg.collect_episodes(envs, policy, seed=1, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(a.actions, b.actions)
    np.testing.assert_array_equal(a.obs, b.obs)
    # A policy that pushes left with probability sigmoid(5) = 0.9933 samples action 1 that rarely.
    envs = gym.make_vec("CartPole-v1", num_envs=200, vectorization_mode="vector_entry_point")
    many = pg.collect_episodes(envs, _push_left(), seed=0, rng=np.random.default_rng(0))
    p1, n = 1 / (1 + np.exp(5.0)), many.mask.sum()
    assert abs((many.actions[many.mask] == 1).mean() - p1) < 5 * np.sqrt(p1 * (1 - p1) / n)


def test_collect_episodes_rejects_bad_envs_and_missing_rng():
    envs = gym.vector.SyncVectorEnv([lambda: gym.make("MountainCarContinuous-v0")])
    policy = training.mlp([2, 4, 2], generator=torch.Generator().manual_seed(0))
    with pytest.raises(checks.BadArgument, match="action_space"):
        pg.collect_episodes(envs, policy, seed=0, rng=np.random.default_rng(0))
    cartpole = gym.make_vec("CartPole-v1", num_envs=2, vectorization_mode="vector_entry_point")
    with pytest.raises(checks.BadArgument, match="rng"):
        pg.collect_episodes(cartpole, policy, seed=0)
    same_step = gym.vector.SyncVectorEnv([lambda: gym.make("CartPole-v1")],
                                         autoreset_mode=gym.vector.AutoresetMode.SAME_STEP)
    with pytest.raises(checks.BadArgument, match="autoreset"):
        pg.collect_episodes(same_step, policy, seed=0, greedy=True)


def _gae_batch(truncated: list[bool]) -> tuple[pg.Batch, np.ndarray, np.ndarray]:
    """Episode 0: 3 steps, then a terminal state; episode 1: 2 steps, then s_T with V(s_T) = 4."""
    rewards = np.array([[1.0, 1.0], [1.0, 1.0], [1.0, 0.0]])
    mask = np.array([[True, True], [True, True], [True, False]])
    batch = pg.Batch(np.zeros((3, 2, 1)), np.zeros((3, 2), np.int64), rewards, mask,
                     truncated=np.array(truncated), final_obs=np.zeros((2, 1)))
    values = np.array([[0.5, 2.0], [0.25, 1.0], [1.0, 0.0]])
    return batch, values, np.array([7.0, 4.0])  # V(s_T) = 7 of the terminated episode must not be used


def test_gae_advantages_by_hand_bootstrap_only_truncated_episodes():
    cfg = pg.ReinforceConfig(estimator="actor_critic", gamma=0.5, gae_lambda=0.5)  # gamma * lambda = 0.25
    batch, values, final_values = _gae_batch([False, True])
    adv, target = pg.advantages(batch, values, final_values, cfg)
    # Episode 0 (terminal after t = 2): delta_2 = 1 + 0.5*0 - 1 = 0, delta_1 = 1 + 0.5*1 - 0.25 = 1.25,
    # delta_0 = 1 + 0.5*0.25 - 0.5 = 0.625; A_2 = 0, A_1 = 1.25, A_0 = 0.625 + 0.25*1.25 = 0.9375.
    # Episode 1 (cut after t = 1, V(s_T) = 4): delta_1 = 1 + 0.5*4 - 1 = 2, delta_0 = 1 + 0.5*1 - 2 = -0.5;
    # A_1 = 2, A_0 = -0.5 + 0.25*2 = 0.
    np.testing.assert_allclose(adv, [[0.9375, 0.0], [1.25, 2.0], [0.0, 0.0]], atol=1e-12)
    np.testing.assert_allclose(target[batch.mask], (adv + values)[batch.mask])
    # Treated as terminal instead, episode 1 loses the 0.5 * 4 bootstrap: A_1 = 0, A_0 = -0.5.
    terminal = pg.advantages(*_gae_batch([False, False]), cfg)[0]
    np.testing.assert_allclose(terminal[:, 1], [-0.5, 0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(terminal[:, 0], adv[:, 0], atol=1e-12)


def test_reinforce_advantages_are_monte_carlo_and_ignore_the_bootstrap():
    cfg = pg.ReinforceConfig(estimator="reinforce", gamma=0.5)
    batch, values, final_values = _gae_batch([False, True])
    adv, target = pg.advantages(batch, values, final_values, cfg)
    # G_0 = 1 + 0.5 * (1 + 0.5 * 1) = 1.75, ...; episode 1's return stops at its cut (t = 1).
    G = np.array([[1.75, 1.5], [1.5, 1.0], [1.0, 0.0]])
    np.testing.assert_allclose(target, G)
    np.testing.assert_allclose(adv, G - values)


def test_train_reinforce_reproducible_and_bad_arguments():
    cfg = pg.ReinforceConfig(max_updates=2, n_envs=4)
    p1, h1 = pg.train_reinforce(cfg, seed=3)
    p2, h2 = pg.train_reinforce(cfg, seed=3)
    assert h1.mean_return == h2.mean_return and h1.env_steps == h2.env_steps
    for a, b in zip(p1.parameters(), p2.parameters(), strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    # The policy started from training.mlp's seeded initialisation and took two Adam steps away from it.
    p0 = training.mlp([4, cfg.hidden, 2], generator=torch.Generator().manual_seed(3))
    assert not torch.equal(p0[0].weight, p1[0].weight)
    ac = pg.ReinforceConfig(max_updates=2, n_envs=4, estimator="actor_critic")
    assert len(pg.train_reinforce(ac, seed=0)[1].mean_return) == 2


def test_train_reinforce_too_large_lr_raises_naming_lr():
    # Adam's first step moves every weight by about lr: 1e30 is far past any sensible policy.
    cfg = pg.ReinforceConfig(max_updates=5, n_envs=2, lr=1e30, greedy_check_episodes=0)
    with pytest.raises(checks.DivergedError, match="lr = 1e"):
        pg.train_reinforce(cfg, seed=0)


def test_training_stops_only_when_the_greedy_policy_reaches_the_target(monkeypatch) -> None:
    # Target 1 is met by any sampled batch; the greedy check is then what decides.
    cfg = dict(n_envs=4, max_updates=3, target_return=1.0, window=1)
    _, unchecked = pg.train_reinforce(pg.ReinforceConfig(**cfg, greedy_check_episodes=0), seed=0)
    assert len(unchecked.mean_return) == 1
    calls = []

    def greedy_fails(policy, **kwargs):
        calls.append(kwargs["n_episodes"])
        return np.zeros(kwargs["n_episodes"])

    monkeypatch.setattr(pg, "evaluate_policy", greedy_fails)
    _, hist = pg.train_reinforce(pg.ReinforceConfig(**cfg, greedy_check_episodes=8), seed=0)
    assert len(hist.mean_return) == 3 and calls == [8, 8, 8]
