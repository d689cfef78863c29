"""Public read models returned by the store (pydantic, UTC-aware datetimes)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


UtcDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]


class PublicModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


M = TypeVar("M", bound=BaseModel)


def trusted_builder(model: type[M]) -> Callable[[dict[str, Any]], M]:
    """A function that makes a ``model`` from a dict holding every field, without
    validating it: for values the store validated when it decided them (read
    tables, aggregates). ``model_construct`` does the same but loops over the
    fields per instance; this sets what it would set, once."""
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


class BotInfo(PublicModel):
    """A registered bot."""

    bot_id: str
    name: str | None
    created_at: UtcDatetime


class BotLife(PublicModel):
    """One life of a bot id, as ``bots.history`` lists them: registered (with
    its name), and deleted unless it is the current life. Every per-bot stream
    (keys, memories, files) belongs to one life: a re-registered bot starts
    empty and its old life stays in the log."""

    bot_id: str
    incarnation: int
    name: str | None
    registered_at: UtcDatetime
    registered_by: str
    registered_position: int
    deleted_at: UtcDatetime | None = None
    deleted_by: str | None = None
    deleted_position: int | None = None


class KvChange(PublicModel):
    """One change of a key, as ``kv.history`` lists them: the value it set (None
    when ``deleted``), the key's ``version`` after it (0 after a delete), who
    made it and when, its log ``position``, and the bot's ``incarnation`` (its
    life: a deleted and re-registered bot starts a new one)."""

    bot_id: str
    key: str
    incarnation: int
    version: int
    value: Any
    deleted: bool
    actor: str
    timestamp: UtcDatetime
    position: int


class KvEntry(PublicModel):
    """One key of a bot's key-value store; ``version`` counts writes since
    creation; ``updated_by`` is the actor of the write that set the value."""

    bot_id: str
    key: str
    value: Any
    version: int
    created_at: UtcDatetime
    updated_at: UtcDatetime
    updated_by: str
