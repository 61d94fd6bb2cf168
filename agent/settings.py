"""Settings for the Claude brain: one place for model ids, timeouts and token limits, read from the environment.

| variable                          | default              | what it sets                                          |
|-----------------------------------|----------------------|-------------------------------------------------------|
| ``ANTHROPIC_API_KEY``             | (none)               | the key; read by the SDK from the environment only    |
| ``ANTHROPIC_BASE_URL``            | the SDK's default    | a gateway or proxy in front of the Claude API         |
| ``LEVER_CLAUDE_MODEL``            | ``claude-sonnet-5-5``| explanations and follow-up answers (cited, streamed)  |
| ``LEVER_CLAUDE_UNDERSTAND_MODEL`` | ``claude-haiku-5-5`` | understanding answers and phrasing questions          |
| ``LEVER_CLAUDE_EFFORT``           | ``low``              | ``output_config.effort`` (low ... max; empty: default)|
| ``LEVER_CLAUDE_TIMEOUT``          | ``30``               | seconds per HTTP attempt                              |
| ``LEVER_CLAUDE_MAX_RETRIES``      | ``2``                | the SDK's retries on 429, 5xx, 529 and timeouts        |
| ``LEVER_CLAUDE_MAX_TOKENS``       | ``1500``             | output limit of an explanation or answer              |
| ``LEVER_CLAUDE_UNDERSTAND_MAX_TOKENS`` | ``1500``        | output limit of one understanding call                |
| ``LEVER_CLAUDE_QUESTION_MAX_TOKENS``   | ``400``         | output limit of one phrased question                  |

The key itself is never read into these settings, printed or written anywhere by Lever: the SDK takes it from
``ANTHROPIC_API_KEY``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields

EFFORTS = ("low", "medium", "high", "xhigh", "max")


def _int(name: str, default: int, low: int, high: int) -> int:
    raw = os.environ.get(name, "").strip()
    try:
        value = int(raw) if raw else default
    except ValueError:
        return default
    return min(max(value, low), high)


def _float(name: str, default: float, low: float, high: float) -> float:
    raw = os.environ.get(name, "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError:
        return default
    return min(max(value, low), high)


@dataclass(frozen=True)
class ClaudeSettings:
    model: str = "claude-sonnet-5-5"
    understand_model: str = "claude-haiku-5-5"
    effort: str | None = "low"
    timeout_s: float = 30.0
    max_retries: int = 2
    max_tokens: int = 1500
    understand_max_tokens: int = 1500
    question_max_tokens: int = 400
    base_url: str | None = None

    @classmethod
    def from_env(cls) -> ClaudeSettings:
        d = cls()
        effort = os.environ.get("LEVER_CLAUDE_EFFORT", d.effort or "").strip().lower()
        return cls(
            model=os.environ.get("LEVER_CLAUDE_MODEL", "").strip() or d.model,
            understand_model=os.environ.get("LEVER_CLAUDE_UNDERSTAND_MODEL", "").strip() or d.understand_model,
            effort=effort if effort in EFFORTS else None,
            timeout_s=_float("LEVER_CLAUDE_TIMEOUT", d.timeout_s, 1.0, 600.0),
            max_retries=_int("LEVER_CLAUDE_MAX_RETRIES", d.max_retries, 0, 10),
            max_tokens=_int("LEVER_CLAUDE_MAX_TOKENS", d.max_tokens, 100, 32_000),
            understand_max_tokens=_int("LEVER_CLAUDE_UNDERSTAND_MAX_TOKENS", d.understand_max_tokens, 200, 32_000),
            question_max_tokens=_int("LEVER_CLAUDE_QUESTION_MAX_TOKENS", d.question_max_tokens, 50, 4_000),
            base_url=os.environ.get("ANTHROPIC_BASE_URL", "").strip() or None,
        )

    def describe(self) -> str:
        """One line for start-up notices and logs (never the key)."""
        where = f" through {self.base_url}" if self.base_url else ""
        return f"{self.model} for explanations, {self.understand_model} for understanding{where}"

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def has_api_key() -> bool:
    """Whether a key is in the environment (its value is not kept)."""
    return bool(os.environ.get("ANTHROPIC_API_KEY", "").strip())
