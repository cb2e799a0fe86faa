"""Bad inputs for lecture_utils.exercises: typical wrong answers, each rejected with a message naming it."""

from bad_inputs.case import Case
from lecture_utils import exercises as E

NO_BAD_INPUT = {"exercises.ExerciseFailed": "an exception class"}
CASES = [
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
