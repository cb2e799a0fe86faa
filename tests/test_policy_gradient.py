"""Tests for lecture_utils.policy_gradient: batched CartPole, the surrogate's gradient, REINFORCE plumbing."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
import torch
from torch import nn

from lecture_utils import policy_gradient as pg


def test_batched_cartpole_matches_gymnasium_step_for_step():
    ref = gym.make("CartPole-v1")
    ours = pg.BatchedCartPole(1)
    rng = np.random.default_rng(0)
    for episode in range(6):
        obs, _ = ref.reset(seed=episode)
        ours.reset(seed=0)
        ours.state = ref.unwrapped.state.copy()[None]
        # Episodes 0-2: a balancing controller (runs into the 500-step truncation); 3-5: random actions.
        for _ in range(600):
            a = int(obs[2] + 0.5 * obs[3] > 0) if episode < 3 else int(rng.integers(2))
            obs, r, term, trunc, _ = ref.step(a)
            o2, r2, term2, trunc2, _ = ours.step(np.array([a]))
            assert np.array_equal(obs, o2[0]) and r == r2[0] and term == term2[0] and trunc == trunc2[0]
            if term or trunc:
                break
        assert trunc if episode < 3 else term
    with pytest.raises(ValueError, match="num_envs"):
        pg.BatchedCartPole(0)


def _tiny_batch() -> pg.Batch:
    obs = np.array([[[1.0, 0.0], [0.5, -1.0]], [[0.0, 2.0], [0.0, 0.0]]], dtype=np.float32)  # (T=2, N=2, 2)
    actions = np.array([[0, 1], [1, 0]])
    rewards = np.array([[1.0, 1.0], [1.0, 0.0]], dtype=np.float32)
    mask = np.array([[True, True], [True, False]])
    return pg.Batch(obs, actions, rewards, mask)


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
    with pytest.raises(ValueError, match="gamma"):
        pg.reward_to_go(batch.rewards, batch.mask, gamma=2.0)
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
                     np.ones((1, n), bool))
    g = pg.per_episode_gradients(policy, batch, batch.rewards.astype(float))[:, -1]  # d/d b1
    exact = pi1 * (1 - pi1)
    assert abs(g.mean() - exact) < 5 * g.std() / np.sqrt(n)


def test_collect_episodes_on_gymnasium_and_batched_envs():
    policy = pg.mlp([4, 8, 2], generator=torch.Generator().manual_seed(0))
    for envs in (gym.vector.SyncVectorEnv([lambda: gym.make("CartPole-v1")] * 3), pg.BatchedCartPole(3)):
        a = pg.collect_episodes(envs, policy, seed=1, rng=np.random.default_rng(0))
        b = pg.collect_episodes(envs, policy, seed=1, rng=np.random.default_rng(0))
        np.testing.assert_array_equal(a.actions, b.actions)
        # Every episode is a contiguous prefix of the padded arrays and earns 1 per step.
        np.testing.assert_array_equal(a.returns, a.mask.sum(axis=0))
        assert (np.diff(a.mask.astype(int), axis=0) <= 0).all()
    # BatchedCartPole draws its start states from the same seeded stream as gymnasium's CartPole.
    for seed in (0, 7):
        ref_obs, _ = gym.make("CartPole-v1").reset(seed=seed)
        np.testing.assert_array_equal(pg.BatchedCartPole(1).reset(seed=seed)[0][0], ref_obs)


def test_collect_episodes_rejects_continuous_actions_and_missing_rng():
    envs = gym.vector.SyncVectorEnv([lambda: gym.make("MountainCarContinuous-v0")])
    policy = pg.mlp([2, 4, 2], generator=torch.Generator().manual_seed(0))
    with pytest.raises(ValueError, match="action_space"):
        pg.collect_episodes(envs, policy, seed=0, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="rng"):
        pg.collect_episodes(pg.BatchedCartPole(2), policy, seed=0)


def test_train_reinforce_reproducible_and_bad_arguments():
    cfg = pg.ReinforceConfig(max_updates=2, n_envs=4)
    p1, h1 = pg.train_reinforce(cfg, seed=3)
    p2, h2 = pg.train_reinforce(cfg, seed=3)
    assert h1.mean_return == h2.mean_return
    for a, b in zip(p1.parameters(), p2.parameters(), strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    ac = pg.ReinforceConfig(max_updates=2, n_envs=4, estimator="actor_critic")
    assert len(pg.train_reinforce(ac, seed=0)[1].mean_return) == 2
    with pytest.raises(ValueError, match="lr"):
        pg.train_reinforce(pg.ReinforceConfig(lr=0.0), seed=0)
    with pytest.raises(ValueError, match="critic_lr"):
        pg.train_reinforce(pg.ReinforceConfig(critic_lr=-1.0), seed=0)
    with pytest.raises(ValueError, match="estimator"):
        pg.train_reinforce(pg.ReinforceConfig(estimator="ppo"), seed=0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="n_envs"):
        pg.train_reinforce(pg.ReinforceConfig(n_envs=1), seed=0)
    with pytest.raises(ValueError, match="n_episodes"):
        pg.evaluate_policy(p1, n_episodes=0, seed=0)
    with pytest.raises(ValueError, match="sizes"):
        pg.mlp([4], generator=torch.Generator())



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
    with pytest.raises(ValueError, match="greedy_check_episodes"):
        pg.train_reinforce(pg.ReinforceConfig(greedy_check_episodes=-1), seed=0)
