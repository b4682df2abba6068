"""A conversation declared up front: its steps (an enum in messages/flows.py) and, for each,
how to read the answer and how to ask the question again.

Each flow module ends with one declaration, e.g.

    FLOW = Flow(ContactStep, {
        ContactStep.TOPIC: Step(on_topic, ask_topic),
        ...
    })

and the router builds its state table from the declarations. A flow whose enum has a
step without a handler fails when the module is imported, not when a person reaches it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from domain.flows import Steps
from handlers.context import Context
from messages.line_json import Message

Handler = Callable[[Context], list[Message]]
StepHandler = Callable[[Context, str], list[Message]]


@dataclass(frozen=True)
class Step:
    """One step: read the answer (typed or tapped), ask again (after `back`), and, for a
    step that takes a location message, what to do with it."""

    handle: StepHandler
    prompt: Handler
    location: Handler | None = None


@dataclass(frozen=True)
class Flow:
    """A flow's steps and what each does."""

    steps: type[Steps]
    table: Mapping[Steps, Step]

    def __post_init__(self) -> None:
        missing = [s.value for s in self.steps if s not in self.table]
        strays = [f"{s.flow}:{s.value}" for s in self.table if s not in set(self.steps)]
        if missing or strays:
            raise TypeError(f"flow {self.steps.flow!r}: steps without a handler {missing}, "
                            f"handlers for steps of another flow {strays}")

    @property
    def name(self) -> str:
        return self.steps.flow
