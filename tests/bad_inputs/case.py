"""The shape of one bad-input case."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Case:
    """Calling ``call()`` must raise the project's own check error, naming ``arg``."""

    target: str  # "module.name" of the public function or class the case exercises
    kind: str  # the class of bad input: "nan", "float for int", "out of range", "wrong shape", ...
    arg: str  # the argument name the message must contain
    call: Callable[[], Any]

    @property
    def id(self) -> str:
        return f"{self.target}[{self.arg}:{self.kind}]"
