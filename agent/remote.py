"""The facade's other backend: the interview graph served by LangGraph Server (``Interview(server=URL)``).

The server holds the threads (in Postgres in production), runs the graph and its brain; this side keeps no
state, so any number of front ends (the TUI, Slack replicas) can share one server. Threads on a server are
identified by UUIDs.
"""

from __future__ import annotations

import os
import uuid

from .types import InterviewSummary

ASSISTANT = "lever"  # the graph id in langgraph.json


def server_thread_id(key: str) -> str:
    """A stable UUID for any key (a server only accepts UUIDs as thread ids)."""
    try:
        return str(uuid.UUID(key))
    except ValueError:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"lever:{key}"))


def _remote_graph(assistant: str, url: str, client):
    from langgraph.pregel.remote import RemoteGraph
    from langgraph.types import StateSnapshot

    class InterviewOnServer(RemoteGraph):
        def get_state(self, config, *, subgraphs=False, headers=None, params=None):
            thread_id = config["configurable"]["thread_id"]
            state = self.sync_client.threads.get_state(thread_id=thread_id, subgraphs=subgraphs, headers=headers,
                                                       params=params)
            if not state.get("checkpoint"):  # a thread created but never run
                return StateSnapshot(values={}, next=(), config=config, metadata=None, created_at=None,
                                     parent_config=None, tasks=(), interrupts=())
            return self._create_state_snapshot(state)

    return InterviewOnServer(assistant, url=url, sync_client=client)


class RemoteBackend:
    def __init__(self, url: str, assistant: str = ASSISTANT) -> None:
        from langgraph_sdk import get_sync_client

        self.url = url
        key = os.environ.get("LANGGRAPH_API_KEY") or os.environ.get("LANGSMITH_API_KEY") or None
        self.client = get_sync_client(url=url, api_key=key)
        self.graph = _remote_graph(assistant, url, self.client)

    def ensure_thread(self, thread_id: str) -> None:
        self.client.threads.create(thread_id=thread_id, if_exists="do_nothing")

    def list(self, limit: int = 200) -> list[InterviewSummary]:
        out = []
        for t in self.client.threads.search(limit=limit, sort_by="updated_at", sort_order="desc"):
            values = t.get("values") or {}
            messages = values.get("messages") or [] if isinstance(values, dict) else []
            opening = next((m.get("text", "") for m in messages if isinstance(m, dict) and m.get("role") == "user"),
                           "")
            if not opening:
                continue  # nobody has said anything yet
            rec = values.get("recommendation") or {}
            out.append(InterviewSummary(thread_id=t["thread_id"], created=str(t.get("created_at", "")),
                                        updated=str(t.get("updated_at", "")), opening=opening,
                                        strategy=rec.get("strategy")))
        return out

    def delete(self, thread_id: str) -> None:
        self.client.threads.delete(thread_id)

    def explain(self, exc: Exception, thread_id: str) -> str:
        """A failure of the server or of the way to it, in one sentence."""
        import httpx

        if isinstance(exc, httpx.HTTPStatusError):
            code = exc.response.status_code
            if code == 404:
                return f"No interview with id {thread_id!r} on the LangGraph Server at {self.url}."
            if code in (401, 403):
                return (f"The LangGraph Server at {self.url} refused Lever's credentials (HTTP {code}); set "
                        "LANGGRAPH_API_KEY.")
            return f"The LangGraph Server at {self.url} answered HTTP {code}; try again in a moment."
        if isinstance(exc, httpx.TransportError):
            return f"Lever could not reach the LangGraph Server at {self.url} ({type(exc).__name__}). Is it running?"
        return f"The LangGraph Server at {self.url} reported an error: {exc}"
