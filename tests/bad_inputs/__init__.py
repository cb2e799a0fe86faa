"""Bad-input cases, one file per ``lecture_utils`` module, collected by ``tests/test_bad_inputs.py``."""
