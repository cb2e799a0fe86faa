"""Bad inputs for lecture_utils.mdp."""

import numpy as np

from bad_inputs.case import Case
from lecture_utils import mdp
from lecture_utils.gridworld import gridworld_successor_mdp

NAN = float("nan")
INF = float("inf")
EX = mdp.example_4_1_gridworld()  # 16 states, 4 actions, gamma = 1, terminal corners 0 and 15
G = mdp.example_3_5_gridworld()  # 25 states, 4 actions, gamma = 0.9, no terminal states
SM = gridworld_successor_mdp((2, 3), gamma=0.9)  # 6 states, 4 actions, K = 3
P, R, T = np.array(EX.P), np.array(EX.R), np.array(EX.terminal)
PI = mdp.uniform_policy(G)
RNG = np.random.default_rng(0)
NXT, PROB = np.array(SM.next_state), np.array(SM.prob)
GYM = {0: {0: [(1.0, 1, 0.0, False)]}, 1: {0: [(1.0, 1, 0.0, True)]}}
OK_TABLE = dict(prob=np.ones((2, 1, 1)), next_state=np.zeros((2, 1, 1), int), reward=np.zeros((2, 1, 1)),
                terminated=np.zeros((2, 1, 1), bool))
S3, A3, S2 = np.array([0, 1, 2]), np.array([0, 1, 0]), np.array([1, 2, 3])  # a small batch of experience
R3, D3 = np.zeros(3), np.zeros(3, bool)


def _with(arr: np.ndarray, index: tuple, value: float) -> np.ndarray:
    out = np.array(arr, dtype=float)
    out[index] = value
    return out


def _em(**kw: object) -> object:
    args = dict(states=S3, actions=A3, rewards=R3, next_states=S2, terminated=D3, n_states=16, n_actions=4,
                gamma=0.9)
    return mdp.estimate_model(**{**args, **kw})


NO_BAD_INPUT: dict[str, str] = {}
CASES = [
    # ------------------------------------------------------------------------------- TabularMDP
    Case("mdp.TabularMDP", "nan", "P", lambda: mdp.TabularMDP(_with(P, (1, 0, 0), NAN), R, 1.0, T)),
    Case("mdp.TabularMDP", "negative", "P", lambda: mdp.TabularMDP(_with(P, (1, 0, 0), -0.5), R, 1.0, T)),
    Case("mdp.TabularMDP", "not normalised", "P",
         lambda: mdp.TabularMDP(_with(P, (1, 0, 3), 0.5), R, 1.0, T)),
    Case("mdp.TabularMDP", "wrong shape", "P", lambda: mdp.TabularMDP(P[:, :, :3], R, 1.0, T)),
    Case("mdp.TabularMDP", "2-d", "P", lambda: mdp.TabularMDP(P[0], R, 1.0, T)),
    Case("mdp.TabularMDP", "empty", "P", lambda: mdp.TabularMDP(np.zeros((0, 4, 0)), R, 1.0, T)),
    Case("mdp.TabularMDP", "strings", "P", lambda: mdp.TabularMDP(P.astype(str), R, 1.0, T)),
    Case("mdp.TabularMDP", "inf", "R", lambda: mdp.TabularMDP(P, _with(R, (2, 1), INF), 1.0, T)),
    Case("mdp.TabularMDP", "wrong shape", "R", lambda: mdp.TabularMDP(P, R[:, :2], 1.0, T)),
    Case("mdp.TabularMDP", "nan", "gamma", lambda: mdp.TabularMDP(P, R, NAN, T)),
    Case("mdp.TabularMDP", "out of range", "gamma", lambda: mdp.TabularMDP(P, R, 1.2, T)),
    Case("mdp.TabularMDP", "bool", "gamma", lambda: mdp.TabularMDP(P, R, True, T)),
    Case("mdp.TabularMDP", "no terminal at gamma 1", "gamma",
         lambda: mdp.TabularMDP(P, R, 1.0, np.zeros(16, bool))),
    Case("mdp.TabularMDP", "wrong shape", "terminal", lambda: mdp.TabularMDP(P, R, 1.0, T[:3])),
    Case("mdp.TabularMDP", "ints for bools", "terminal", lambda: mdp.TabularMDP(P, R, 1.0, T.astype(int))),
    Case("mdp.TabularMDP", "not absorbing", "terminal",
         lambda: mdp.TabularMDP(G.P, G.R, 0.9, np.eye(25, dtype=bool)[0])),
    # ----------------------------------------------------------------------------- SuccessorMDP
    Case("mdp.SuccessorMDP", "float for int", "next_state",
         lambda: mdp.SuccessorMDP(NXT + 0.9, PROB, SM.R, 0.9, SM.terminal)),
    Case("mdp.SuccessorMDP", "out of range", "next_state",
         lambda: mdp.SuccessorMDP(NXT + 6, PROB, SM.R, 0.9, SM.terminal)),
    Case("mdp.SuccessorMDP", "wrong shape", "next_state",
         lambda: mdp.SuccessorMDP(NXT[0], PROB, SM.R, 0.9, SM.terminal)),
    Case("mdp.SuccessorMDP", "nan", "prob",
         lambda: mdp.SuccessorMDP(NXT, _with(PROB, (0, 0, 0), NAN), SM.R, 0.9, SM.terminal)),
    Case("mdp.SuccessorMDP", "not normalised", "prob",
         lambda: mdp.SuccessorMDP(NXT, PROB * 0.5, SM.R, 0.9, SM.terminal)),
    Case("mdp.SuccessorMDP", "wrong shape", "prob",
         lambda: mdp.SuccessorMDP(NXT, PROB[:, :, :2], SM.R, 0.9, SM.terminal)),
    Case("mdp.SuccessorMDP", "inf", "R",
         lambda: mdp.SuccessorMDP(NXT, PROB, _with(SM.R, (0, 0), -INF), 0.9, SM.terminal)),
    Case("mdp.SuccessorMDP", "out of range", "gamma",
         lambda: mdp.SuccessorMDP(NXT, PROB, SM.R, -0.1, SM.terminal)),
    Case("mdp.SuccessorMDP", "wrong shape", "terminal",
         lambda: mdp.SuccessorMDP(NXT, PROB, SM.R, 0.9, np.zeros(5, bool))),
    # --------------------------------------------------------------------------------- GymTable
    Case("mdp.GymTable", "not normalised", "prob",
         lambda: mdp.GymTable(**{**OK_TABLE, "prob": np.full((2, 1, 1), .5)})),
    Case("mdp.GymTable", "2-d", "prob", lambda: mdp.GymTable(**{**OK_TABLE, "prob": np.ones((2, 1))})),
    Case("mdp.GymTable", "out of range", "next_state",
         lambda: mdp.GymTable(**{**OK_TABLE, "next_state": np.full((2, 1, 1), 2)})),
    Case("mdp.GymTable", "nan", "reward",
         lambda: mdp.GymTable(**{**OK_TABLE, "reward": np.full((2, 1, 1), NAN)})),
    Case("mdp.GymTable", "wrong shape", "reward",
         lambda: mdp.GymTable(**{**OK_TABLE, "reward": np.zeros((2, 1, 2))})),
    Case("mdp.GymTable", "floats for bools", "terminated",
         lambda: mdp.GymTable(**{**OK_TABLE, "terminated": np.zeros((2, 1, 1))})),
    # ------------------------------------------------------------------------ read_gym_P / from_gym_P
    Case("mdp.read_gym_P", "missing entry", "P[0][1]", lambda: mdp.read_gym_P(GYM, 2, 2)),
    Case("mdp.read_gym_P", "float for int", "n_states", lambda: mdp.read_gym_P(GYM, 2.0, 1)),
    Case("mdp.read_gym_P", "zero", "n_actions", lambda: mdp.read_gym_P(GYM, 2, 0)),
    Case("mdp.read_gym_P", "empty", "P[0][0]", lambda: mdp.read_gym_P({0: {0: []}}, 1, 1)),
    Case("mdp.read_gym_P", "short tuple", "P[0][0][0]",
         lambda: mdp.read_gym_P({0: {0: [(1.0, 0, 0.0)]}}, 1, 1)),
    Case("mdp.read_gym_P", "nan", "P[0][0][0] prob",
         lambda: mdp.read_gym_P({0: {0: [(NAN, 0, 0.0, False)]}}, 1, 1)),
    Case("mdp.read_gym_P", "out of range", "P[0][0][0] next_state",
         lambda: mdp.read_gym_P({0: {0: [(1.0, 3, 0.0, False)]}}, 1, 1)),
    Case("mdp.read_gym_P", "float for int", "P[0][0][0] next_state",
         lambda: mdp.read_gym_P({0: {0: [(1.0, 0.0, 0.0, False)]}}, 1, 1)),
    Case("mdp.read_gym_P", "inf", "P[0][0][0] reward",
         lambda: mdp.read_gym_P({0: {0: [(1.0, 0, INF, False)]}}, 1, 1)),
    Case("mdp.read_gym_P", "int for bool", "P[0][0][0] terminated",
         lambda: mdp.read_gym_P({0: {0: [(1.0, 0, 0.0, 0)]}}, 1, 1)),
    Case("mdp.read_gym_P", "not normalised", "P[0][0]",
         lambda: mdp.read_gym_P({0: {0: [(0.5, 0, 0.0, False), (0.4, 0, 0.0, False)]}}, 1, 1)),
    Case("mdp.from_gym_P", "missing entry", "P[0][1]", lambda: mdp.from_gym_P(GYM, 2, 2, 0.9)),
    Case("mdp.from_gym_P", "out of range", "gamma", lambda: mdp.from_gym_P(GYM, 2, 1, 1.5)),
    Case("mdp.from_gym_P", "terminated both ways", "P",
         lambda: mdp.from_gym_P({0: {0: [(0.5, 0, 0.0, True), (0.5, 0, 0.0, False)]}}, 1, 1, 0.9)),
    # ------------------------------------------------------------------------- values and policies
    Case("mdp.uniform_policy", "not an mdp", "mdp", lambda: mdp.uniform_policy(P)),
    Case("mdp.q_from_v", "wrong shape", "V", lambda: mdp.q_from_v(G, np.zeros(3))),
    Case("mdp.q_from_v", "nan", "V", lambda: mdp.q_from_v(G, _with(np.zeros(25), (3,), NAN))),
    Case("mdp.q_from_v", "empty", "V", lambda: mdp.q_from_v(G, [])),
    Case("mdp.q_from_v", "not an mdp", "mdp", lambda: mdp.q_from_v(None, np.zeros(25))),
    Case("mdp.bellman_optimality_backup", "inf", "V",
         lambda: mdp.bellman_optimality_backup(SM, _with(np.zeros(6), (0,), INF))),
    Case("mdp.bellman_optimality_backup", "wrong shape", "V",
         lambda: mdp.bellman_optimality_backup(SM, np.zeros((6, 1)))),
    Case("mdp.policy_evaluation", "negative", "tol", lambda: mdp.policy_evaluation(G, PI, tol=-1.0)),
    Case("mdp.policy_evaluation", "nan", "tol", lambda: mdp.policy_evaluation(G, PI, tol=NAN)),
    Case("mdp.policy_evaluation", "float for int", "max_iter",
         lambda: mdp.policy_evaluation(G, PI, max_iter=10.0)),
    Case("mdp.policy_evaluation", "zero", "max_iter", lambda: mdp.policy_evaluation(G, PI, max_iter=0)),
    Case("mdp.policy_evaluation", "wrong shape", "policy",
         lambda: mdp.policy_evaluation(G, np.zeros(3, int))),
    Case("mdp.policy_evaluation", "float actions", "policy",
         lambda: mdp.policy_evaluation(G, np.full(25, 1.0))),
    Case("mdp.policy_evaluation", "action out of range", "policy",
         lambda: mdp.policy_evaluation(G, np.full(25, 4))),
    Case("mdp.policy_evaluation", "not normalised", "policy", lambda: mdp.policy_evaluation(G, PI * 1.2)),
    Case("mdp.policy_evaluation", "nan", "policy", lambda: mdp.policy_evaluation(G, _with(PI, (0, 0), NAN))),
    Case("mdp.policy_evaluation", "improper at gamma 1", "policy",
         lambda: mdp.policy_evaluation(EX, np.full(16, mdp.UP))),
    Case("mdp.policy_evaluation_sweeps", "negative", "n_sweeps",
         lambda: mdp.policy_evaluation_sweeps(G, PI, -1)),
    Case("mdp.policy_evaluation_sweeps", "float for int", "n_sweeps",
         lambda: mdp.policy_evaluation_sweeps(G, PI, 2.5)),
    Case("mdp.policy_evaluation_sweeps", "negative probability", "policy",
         lambda: mdp.policy_evaluation_sweeps(G, _with(PI, (0, 0), -0.25), 3)),
    Case("mdp.policy_evaluation_exact", "sparse mdp", "mdp", lambda: mdp.policy_evaluation_exact(SM, 0)),
    Case("mdp.policy_evaluation_exact", "wrong shape", "policy",
         lambda: mdp.policy_evaluation_exact(G, np.full((25, 3), 1 / 3))),
    # --------------------------------------------------------------------------------- control
    Case("mdp.value_iteration", "negative", "tol", lambda: mdp.value_iteration(G, tol=-1)),
    Case("mdp.value_iteration", "inf", "tol", lambda: mdp.value_iteration(G, tol=INF)),
    Case("mdp.value_iteration", "float for int", "max_iter", lambda: mdp.value_iteration(G, max_iter=1e5)),
    Case("mdp.value_iteration", "not an mdp", "mdp", lambda: mdp.value_iteration(P)),
    Case("mdp.policy_iteration", "zero", "max_iter", lambda: mdp.policy_iteration(G, max_iter=0)),
    Case("mdp.policy_iteration", "sparse mdp", "mdp", lambda: mdp.policy_iteration(SM)),
    Case("mdp.lookahead", "float for int", "s", lambda: mdp.lookahead(G, 1.5, 2)),
    Case("mdp.lookahead", "out of range", "s", lambda: mdp.lookahead(G, 25, 2)),
    Case("mdp.lookahead", "negative", "s", lambda: mdp.lookahead(G, -1, 2)),
    Case("mdp.lookahead", "zero", "depth", lambda: mdp.lookahead(G, 0, 0)),
    Case("mdp.lookahead", "float for int", "depth", lambda: mdp.lookahead(G, 0, 2.0)),
    Case("mdp.lookahead", "too deep", "depth", lambda: mdp.lookahead(G, 0, mdp.MAX_LOOKAHEAD_DEPTH + 1)),
    Case("mdp.lookahead", "nan", "V_leaf", lambda: mdp.lookahead(G, 0, 1, V_leaf=np.full(25, NAN))),
    Case("mdp.lookahead", "wrong shape", "V_leaf", lambda: mdp.lookahead(G, 0, 1, V_leaf=np.zeros(24))),
    # -------------------------------------------------------------------------------- sampling
    Case("mdp.mc_returns", "float for int", "start_states", lambda: mdp.mc_returns(G, PI, [0.7], rng=RNG)),
    Case("mdp.mc_returns", "out of range", "start_states", lambda: mdp.mc_returns(G, PI, [25], rng=RNG)),
    Case("mdp.mc_returns", "negative", "start_states", lambda: mdp.mc_returns(G, PI, [-1], rng=RNG)),
    Case("mdp.mc_returns", "empty", "start_states",
         lambda: mdp.mc_returns(G, PI, np.array([], int), rng=RNG)),
    Case("mdp.mc_returns", "2-d", "start_states",
         lambda: mdp.mc_returns(G, PI, np.zeros((2, 2), int), rng=RNG)),
    Case("mdp.mc_returns", "a seed", "rng", lambda: mdp.mc_returns(G, PI, [0], rng=0)),
    Case("mdp.mc_returns", "zero", "horizon", lambda: mdp.mc_returns(G, PI, [0], rng=RNG, horizon=0)),
    Case("mdp.mc_returns", "float for int", "horizon",
         lambda: mdp.mc_returns(G, PI, [0], rng=RNG, horizon=5.0)),
    Case("mdp.mc_returns", "out of range", "first_actions",
         lambda: mdp.mc_returns(G, PI, [0], rng=RNG, first_actions=[4])),
    Case("mdp.mc_returns", "wrong shape", "first_actions",
         lambda: mdp.mc_returns(G, PI, [0, 1], rng=RNG, first_actions=[0])),
    Case("mdp.mc_returns", "not normalised", "policy", lambda: mdp.mc_returns(G, PI * 0.5, [0], rng=RNG)),
    Case("mdp.mc_returns", "sparse mdp", "mdp", lambda: mdp.mc_returns(SM, np.zeros(6, int), [0], rng=RNG)),
    # ------------------------------------------------------------------------------ estimate_model
    Case("mdp.estimate_model", "out of range", "states", lambda: _em(states=np.array([0, 99, 2]))),
    Case("mdp.estimate_model", "negative", "states", lambda: _em(states=np.array([0, -1, 2]))),
    Case("mdp.estimate_model", "float for int", "states", lambda: _em(states=S3 + 0.5)),
    Case("mdp.estimate_model", "empty", "states", lambda: _em(states=np.array([], int))),
    Case("mdp.estimate_model", "out of range", "actions", lambda: _em(actions=np.array([0, 4, 0]))),
    Case("mdp.estimate_model", "wrong length", "actions", lambda: _em(actions=A3[:2])),
    Case("mdp.estimate_model", "nan", "rewards", lambda: _em(rewards=np.array([0.0, NAN, 0.0]))),
    Case("mdp.estimate_model", "out of range", "next_states", lambda: _em(next_states=np.array([1, 2, 16]))),
    Case("mdp.estimate_model", "floats for bools", "terminated", lambda: _em(terminated=np.zeros(3))),
    Case("mdp.estimate_model", "float for int", "n_states", lambda: _em(n_states=16.0)),
    Case("mdp.estimate_model", "zero", "n_actions", lambda: _em(n_actions=0)),
    Case("mdp.estimate_model", "out of range", "gamma", lambda: _em(gamma=1.5)),
    # ---------------------------------------------------------------------------------- examples
    Case("mdp.grid_moves", "float side", "shape", lambda: mdp.grid_moves((2.5, 3))),
    Case("mdp.grid_moves", "zero side", "shape", lambda: mdp.grid_moves((0, 3))),
    Case("mdp.grid_moves", "one side", "shape", lambda: mdp.grid_moves((3,))),
    Case("mdp.example_3_5_gridworld", "out of range", "gamma", lambda: mdp.example_3_5_gridworld(gamma=-0.5)),
    Case("mdp.example_3_5_gridworld", "nan", "gamma", lambda: mdp.example_3_5_gridworld(gamma=NAN)),
    Case("mdp.example_3_5_gridworld", "no terminal at gamma 1", "gamma",
         lambda: mdp.example_3_5_gridworld(1.0)),
]
NO_BAD_INPUT["mdp.example_4_1_gridworld"] = "takes no arguments"
