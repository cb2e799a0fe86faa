"""Bad inputs for lecture_utils.exercises: typical wrong answers, each rejected with a message naming it."""

from bad_inputs.case import Case
from lecture_utils import exercises as E

NO_BAD_INPUT = {"exercises.ExerciseFailed": "an exception class"}
SCORE = lambda z, mu, s: z**2 * ((z - mu) ** 2 - s**2) / s**3  # noqa: E731  the worked solutions of 1.1
PATH = lambda e, mu, s: 2 * (mu + s * e) * e  # noqa: E731
CASES = [
    Case("exercises.check_sigma_gradient", "the score for mu, not sigma", "score_sigma",
         lambda: E.check_sigma_gradient(lambda z, mu, s: z**2 * (z - mu) / s**2, PATH)),
    Case("exercises.check_sigma_gradient", "the chain rule forgotten", "pathwise_sigma",
         lambda: E.check_sigma_gradient(SCORE, lambda e, mu, s: 2 * (mu + s * e))),
    Case("exercises.check_sigma_gradient", "one number, not one per sample", "pathwise_sigma",
         lambda: E.check_sigma_gradient(SCORE, lambda e, mu, s: 2 * s)),
    Case("exercises.check_sigma_gradient", "not a function", "score_sigma",
         lambda: E.check_sigma_gradient(4.0, PATH)),
    Case("exercises.check_least_bad_theta", "the wrong place", "theta_best",
         lambda: E.check_least_bad_theta(1.0, 3.75)),
    Case("exercises.check_least_bad_theta", "the score's variance, not the ratio", "ratio_best",
         lambda: E.check_least_bad_theta(0.0, 15.0)),
    Case("exercises.check_bernoulli_baseline", "E[f], not b*", "b_star",
         lambda: E.check_bernoulli_baseline(lambda t, f0, f1: t * f1 + (1 - t) * f0)),
    Case("exercises.check_bernoulli_baseline", "not a function", "b_star",
         lambda: E.check_bernoulli_baseline(0.5)),
    Case("exercises.check_slip_free_switch", "not a number", "gamma_switch",
         lambda: E.check_slip_free_switch("0.69")),
    Case("exercises.check_slip_free_switch", "off the grid", "gamma_switch",
         lambda: E.check_slip_free_switch(0.681)),
    Case("exercises.check_slip_free_switch", "the tie 10 gamma^6 = 1 rounded down", "gamma_switch",
         lambda: E.check_slip_free_switch(0.68)),
    Case("exercises.check_slip_free_switch", "one step late", "gamma_switch",
         lambda: E.check_slip_free_switch(0.70)),
    Case("exercises.check_example_3_8", "nan", "v_A", lambda: E.check_example_3_8(float("nan"), 19.42)),
    Case("exercises.check_example_3_8", "the B loop taken at B'", "v_B",
         lambda: E.check_example_3_8(24.42, 5 + 0.9**3 * 5 / (1 - 0.9**3))),
    Case("exercises.check_example_3_8", "a 4-step loop from A", "v_A",
         lambda: E.check_example_3_8(10 / (1 - 0.9**4), 19.42)),
    Case("exercises.check_frozen_lake_discount", "not a probability", "p_success",
         lambda: E.check_frozen_lake_discount(1.5)),
    Case("exercises.check_frozen_lake_discount", "the gamma = 1 plan's probability", "p_success",
         lambda: E.check_frozen_lake_discount(0.7402)),
    Case("exercises.check_frozen_lake_discount", "the discounted value, not a probability", "p_success",
         lambda: E.check_frozen_lake_discount(0.0689)),
]
