"""Bad inputs for lecture_utils.training."""

import torch

from bad_inputs.case import Case
from lecture_utils import training

NO_BAD_INPUT = {"training.History": "a record filled by the loops; any names and values are allowed"}
CASES = [
    Case("training.mlp", "one width", "sizes", lambda: training.mlp([4], generator=torch.Generator())),
    Case("training.mlp", "float width", "sizes[1]",
         lambda: training.mlp([4, 2.5], generator=torch.Generator())),
    Case("training.mlp", "zero width", "sizes[0]", lambda: training.mlp([0, 2], generator=torch.Generator())),
    Case("training.mlp", "unknown activation", "activation",
         lambda: training.mlp([2, 2], generator=torch.Generator(), activation="swish")),
    Case("training.init_default_", "not a module", "module",
         lambda: training.init_default_([1, 2], torch.Generator())),
    Case("training.init_default_", "an int seed", "generator",
         lambda: training.init_default_(torch.nn.Linear(2, 2), 0)),
    Case("training.build", "not callable", "factory", lambda: training.build(3, generator=torch.Generator())),
    Case("training.build", "a seed", "generator",
         lambda: training.build(lambda: torch.nn.Linear(1, 1), generator=0)),
    Case("training.build", "returns no module", "factory()",
         lambda: training.build(lambda: 3, generator=torch.Generator())),
    Case("training.progress_bar", "negative total", "total", lambda: training.progress_bar(-1, desc="x")),
    Case("training.progress_bar", "float total", "total", lambda: training.progress_bar(2.5, desc="x")),
    Case("training.finish_bar", "not a bar", "bar", lambda: training.finish_bar(3)),
]
