"""The model's bots: who is live, in which life (incarnation)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from boternity_store.domain.errors import BotAlreadyExists, BotNotFound
from boternity_store.domain.models import BotInfo
from boternity_store.domain.validation import check_actor, check_identifier, check_name

if TYPE_CHECKING:
    from boternity_store.testing.model.store import ModelStore


@dataclass
class BotLives:
    """Each bot id's current life and whether it is live. A deleted bot's
    keys, files and memories leave every answer; a re-registered one starts
    empty (a new incarnation)."""

    live: dict[str, BotInfo] = field(default_factory=dict)
    incarnations: dict[str, int] = field(default_factory=dict)

    def check_live(self, bot_id: str) -> int:
        """The live bot's incarnation, or BotNotFound."""
        if bot_id not in self.live:
            raise BotNotFound(bot_id)
        return self.incarnations[bot_id]

    def is_live(self, bot_id: str, incarnation: int) -> bool:
        return bot_id in self.live and self.incarnations[bot_id] == incarnation


class ModelBots:
    """``store.bots`` without a database."""

    def __init__(self, store: ModelStore) -> None:
        self._store = store

    @property
    def _lives(self) -> BotLives:
        return self._store.state.bots

    def register(
        self, bot_id: str, *, name: str | None = None, actor: str = "system"
    ) -> BotInfo:
        check_identifier(bot_id, "bot_id")
        check_actor(actor)
        check_name(name, "name")
        if bot_id in self._lives.live:
            raise BotAlreadyExists(bot_id)
        info = BotInfo(bot_id=bot_id, name=name, created_at=self._store.now())
        self._lives.incarnations[bot_id] = self._lives.incarnations.get(bot_id, 0) + 1
        self._lives.live[bot_id] = info
        self._store.state.bot_started(bot_id)
        return info

    def delete(self, bot_id: str, *, actor: str = "system") -> None:
        check_identifier(bot_id, "bot_id")
        check_actor(actor)
        self._lives.check_live(bot_id)
        del self._lives.live[bot_id]
        self._store.state.bot_deleted(bot_id)

    def get(self, bot_id: str) -> BotInfo | None:
        return self._lives.live.get(check_identifier(bot_id, "bot_id"))

    def list(self) -> list[BotInfo]:
        return [self._lives.live[b] for b in sorted(self._lives.live)]
