"""lecture_utils.exercises: each checker passes the worked solution and names what is wrong in a wrong answer.

The typical wrong answers live in tests/bad_inputs/cases_exercises.py (each must be rejected with a message
naming the answer); the student edition's stubs are rejected in tests/test_editions.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from lecture_utils import exercises as E


def test_solutions_pass(capsys: pytest.CaptureFixture[str]) -> None:
    E.check_slip_free_switch(0.69)
    E.check_example_3_8(10 / (1 - 0.9**5), 5 + 0.9**5 * 10 / (1 - 0.9**5))
    E.check_frozen_lake_discount(np.float64(0.72977))
    out = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in out] == ["Exercise 5.1 passed", "Exercise 5.2 passed",
                                                    "Exercise 5.3 passed"]


@pytest.mark.parametrize(("call", "message"), [
    (lambda: E.check_slip_free_switch(0.70), "the switch comes earlier"),
    (lambda: E.check_slip_free_switch(0.68), "the switch comes later"),
    (lambda: E.check_example_3_8(24.42, 18.45), "walking from B' back to B"),
    (lambda: E.check_frozen_lake_discount(0.7402), "the success probability of the gamma = 1 plan"),
    (lambda: E.check_frozen_lake_discount(0.0689), "not a discounted return"),
    (lambda: E.check_example_3_8(True, 19.42), "v_A must be a number"),
])
def test_wrong_answers_say_what_is_wrong(call, message: str) -> None:
    with pytest.raises(E.ExerciseFailed, match=message):
        call()


def test_a_wrong_answer_is_one_sentence() -> None:
    with pytest.raises(E.ExerciseFailed) as err:
        E.check_example_3_8(24.42, 18.45)
    text = str(err.value)
    assert "\n" not in text and text.count(". ") == 0
