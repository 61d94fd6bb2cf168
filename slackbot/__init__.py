"""Lever in Slack: one interview per Slack thread, on slack-bolt (install the extra: ``pip install 'lever[slack]'``).

``LeverSlack(interview, client=..., signing_secret=...)`` builds the Bolt app (``.app``) around an
``agent.Interview``; ``slackbot.cli.main`` runs it in Socket Mode or over HTTP from environment variables.
Importing this package does not import slack-bolt; the names below load it on first use.
"""

from typing import Any

__all__ = ["Conversation", "LeverSlack", "thread_key"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import app

        return getattr(app, name)
    raise AttributeError(name)
