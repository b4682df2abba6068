"""How a multi-step conversation's steps are declared: a `StrEnum` that names its flow.

    class ContactStep(Steps, flow="contact"):
        TOPIC = "topic"

The member's value is what the conversation row and a button's payload store, so a
stored step keeps its meaning across releases; the enum makes a misspelt step a type
error instead of a surprise at run time.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar


class Steps(StrEnum):
    """The steps of one flow, in the order they are usually asked."""

    flow: ClassVar[str]

    def __init_subclass__(cls, *, flow: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not flow:
            raise TypeError(f"{cls.__name__} must name its flow: class {cls.__name__}(Steps, flow=...)")
        cls.flow = flow
