"""E-mail notifications about a user's engine."""

from __future__ import annotations

from dataclasses import dataclass

from core.legacy import UserEngine


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str


class Notifier:
    """Renders notifications into an outbox that the mailer drains."""

    def __init__(self, sender: str = "noreply@example.com") -> None:
        self.sender = sender
        self.outbox: list[Message] = []

    def engine_ready(self, engine: UserEngine, email: str) -> Message:
        if not isinstance(engine, UserEngine):
            raise TypeError("engine_ready needs an engine")
        message = Message(
            to=email,
            subject="Votre moteur est prêt — your engine is ready",
            body=f"The engine for {engine.user_id} is {engine.state.value}.",
        )
        self.outbox.append(message)
        return message

    def drain(self) -> list[Message]:
        sent, self.outbox = self.outbox, []
        return sent
