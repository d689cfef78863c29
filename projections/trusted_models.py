"""Public models built from rows our own projections wrote.

Those rows were validated when their events were decided, so reads skip
validation. ``model_construct`` does the same but loops over the fields per
instance; for a complete set of values this sets what it would set, once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


def trusted_builder(model: type[M]) -> Callable[[dict[str, Any]], M]:
    """A function that makes a ``model`` from a dict holding every field."""
    fields_set = set(model.model_fields)
    new, set_attribute = model.__new__, object.__setattr__

    def build(values: dict[str, Any]) -> M:
        instance = new(model)
        set_attribute(instance, "__dict__", values)
        set_attribute(instance, "__pydantic_fields_set__", set(fields_set))
        set_attribute(instance, "__pydantic_extra__", None)
        set_attribute(instance, "__pydantic_private__", None)
        return instance

    return build
