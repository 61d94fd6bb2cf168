"""The graph LangGraph Server serves (``langgraph.json`` points here).

``langgraph dev`` and the LangGraph Server runtime load this file as a standalone module (so it uses absolute
imports) and look ``graph`` up as a plain attribute (so it is built at import). The server injects its own
checkpointer (Postgres in production, in memory under ``langgraph dev``); the brain is chosen from the
environment the server runs in (``ANTHROPIC_API_KEY``, ``LEVER_BRAIN``), the offline brain by default.
"""

import os

from agent.graph import build_graph
from agent.interview import default_brain

graph = build_graph(brain=default_brain(os.environ.get("LEVER_BRAIN", "auto"))[0])
