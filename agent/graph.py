"""The interview as a LangGraph state machine (DESIGN §1).

    user text ─► understand ─► route ─┬─► plan_question ─► wait ─► understand …
                                      ├─► recommend ─► wait
                                      ├─► answer ─► plan_question | wait
                                      └─► finish ─► END

Only ``wait`` calls ``interrupt()``; every side effect (brain calls, retrieval) lives in the nodes
before it, because a resumed node runs again from its top. State is plain JSON so that any
checkpointer stores it; nodes validate it into pydantic models at their boundary.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypedDict

from langgraph.config import get_stream_writer
from langgraph.graph import END, START, StateGraph
from langgraph.types import interrupt

from knowledge.types import Passage

from .brains import Brain, OfflineBrain
from .engine import RULES_BY_ID, decide, describe_value, evidence_queries
from .policy import GREETING, ask, assume, next_topic
from .topics import TOPICS
from .types import Message, Profile, Recommendation

Retriever = Callable[[str, int], list[Passage]]
MAX_ATTEMPTS = 2  # ask a topic at most twice, then assume and move on
# Facts read from word choice rather than stated outright: a passing mention ("no knowledge base, the
# specs are in the request") must not overwrite them unless that topic is being asked or it is a correction.
INFERRED = {"need", "goal", "corpus", "stage"}

FACT_LABELS = {
    "need": "the need", "goal": "the task", "freshness": "how often it changes", "latency_ms": "latency target",
    "volume_month": "volume", "cost_sensitivity": "cost sensitivity", "examples": "labelled examples",
    "corpus": "knowledge size", "corpus_tokens": "knowledge size (tokens)", "citations": "citations",
    "permissions": "permissions", "privacy": "privacy", "ceiling": "how prompting is doing", "stage": "stage",
}


class InterviewState(TypedDict, total=False):
    messages: Annotated[list[dict], operator.add]
    profile: dict
    pending: str | None
    asked: list[str]  # topics resolved (answered or assumed)
    attempts: dict[str, int]
    questions_asked: int
    recommendation: dict | None
    rec_key: str | None
    notes: list[str]  # to say before the next assistant message
    unconfirmed: list[str]  # facts inferred from word choice, to confirm with their key question
    intent: str
    done: bool
    usage: Annotated[list[dict], operator.add]  # one record per brain call (tokens, cost)
    brain: str  # the brain that handled the latest turn
    heard_fields: list[str]  # facts recorded from the latest answer (a bare correction most likely means one)


def _msg(**kw: Any) -> dict:
    return Message(**kw).model_dump(mode="json")


def _profile(state: InterviewState) -> Profile:
    return Profile.model_validate(state.get("profile") or {})


def _last_user_text(state: InterviewState) -> str:
    for m in reversed(state.get("messages", [])):
        if m["role"] == "user":
            return m["text"]
    return ""


CONFIRM_NEED = {
    "knowledge": "From what you said, this sounds mostly like a **knowledge** problem. Is that right, or is there "
                 "also a behaviour side, such as a style or format that prompting doesn't get right?",
    "behaviour": "From what you said, this sounds mostly like a **behaviour** problem. Is that right, or does the "
                 "model also need to know facts from your own documents?",
    "both": "From what you said, this needs both knowledge and a particular behaviour. Is that right?",
}


def _next(state: InterviewState):
    return next_topic(_profile(state), state.get("asked", []), state.get("unconfirmed", []))


HISTORY_TURNS = 6  # recent messages a brain sees for context


def _history(state: InterviewState) -> list[dict]:
    return [{"role": m["role"], "text": m["text"]} for m in state.get("messages", [])[-HISTORY_TURNS:]]


def _drain(brain: Brain) -> tuple[list[dict], list[str]]:
    """Usage records and user-facing notices from the brain's latest calls."""
    usage, notices = [], []
    for event in brain.take_events():
        if event.get("kind") == "usage":
            usage.append({k: v for k, v in event.items() if k != "kind"})
        elif event.get("kind") == "notice" and event.get("text"):
            notices.append(str(event["text"]))
    return usage, notices


def _writer():
    try:
        return get_stream_writer()
    except Exception:  # outside a streaming run
        return None


def build_graph(brain: Brain | None = None, retriever: Retriever | None = None, checkpointer: Any = None):
    """Compile the interview graph. ``retriever(query, k)`` returns passages; callers inject a checkpointer."""
    brain = brain or OfflineBrain()
    if retriever is None:
        from knowledge import Library

        retriever = Library().search

    def understand(state: InterviewState) -> dict:
        text = _last_user_text(state)
        pending = state.get("pending")
        profile = _profile(state)
        heard = brain.understand(text, pending, profile, _history(state)[:-1], state.get("heard_fields", []))
        usage, said = _drain(brain)
        notes: list[str] = list(state.get("notes", [])) + said
        asked = list(state.get("asked", []))
        attempts = dict(state.get("attempts", {}))
        changed = []
        pending_fills = TOPICS[pending].fills if pending in TOPICS else []
        unconfirmed = [f for f in state.get("unconfirmed", []) if f not in heard.explicit and f not in pending_fills]
        if "need" in heard.facts and "need" not in heard.explicit and "need" not in pending_fills \
                and not profile.known("need"):
            unconfirmed.append("need")
        for name, (value, quote) in heard.facts.items():
            old = getattr(profile, name)
            if (name in INFERRED and old is not None and old.status == "stated" and name not in pending_fills
                    and not heard.correction and name not in heard.explicit):
                continue
            if old is not None and old.value != value and name != "corpus_tokens":
                changed.append(f"{FACT_LABELS.get(name, name)} from {describe_value(name, old.value)} to "
                               f"{describe_value(name, value)}")
            profile = profile.with_value(name, value, quote=quote or text, status="stated")
        if changed:
            notes.append("Noted, I've updated " + "; ".join(changed) + ".")
        if heard.order:
            notes.append("I can't take instructions about which strategy to pick: the recommendation follows "
                         "from your facts, so I've only kept the facts in that message.")
        if pending and pending in TOPICS:
            topic = TOPICS[pending]
            if any(profile.known(f) for f in topic.fills):
                if pending not in asked:
                    asked.append(pending)
            elif heard.intent in ("unsure", "done", "answer", "empty"):
                attempts[pending] = attempts.get(pending, 0) + 1
                if heard.intent in ("unsure", "done") or attempts[pending] >= MAX_ATTEMPTS:
                    profile, said = assume(profile, pending, quote=text)
                    asked.append(pending)
                    if said:
                        notes.append("No problem, I'll assume " + ", ".join(
                            f"{FACT_LABELS.get(n, n)}: {describe_value(n, profile.value(n))}" for n in said)
                            + " for now, and lower my confidence accordingly.")
                elif not heard.facts:
                    notes.append("Sorry, I didn't catch an answer to that.")
        return {
            "profile": profile.model_dump(mode="json"), "notes": notes, "asked": asked, "attempts": attempts,
            "intent": heard.intent, "done": False, "unconfirmed": unconfirmed, "usage": usage, "brain": brain.name,
        }

    def route(state: InterviewState) -> Literal["plan_question", "recommend", "answer", "finish"]:
        intent = state.get("intent")
        has_rec = state.get("recommendation") is not None
        profile = _profile(state)
        if intent == "done":
            return "finish" if has_rec else "recommend"
        if has_rec:
            if repr(profile.decision_key()) != state.get("rec_key"):
                return "recommend"
            return "answer"
        if intent == "question":
            return "answer"
        return "plan_question" if _next(state) else "recommend"

    def plan_question(state: InterviewState) -> dict:
        profile = _profile(state)
        topic = _next(state)
        if topic is None:  # pragma: no cover - route only sends us here with a topic left
            return {}
        notes = list(state.get("notes", []))
        confirms = None
        if topic.id == "need" and "need" in state.get("unconfirmed", []) and profile.known("need"):
            notes.append(CONFIRM_NEED[profile.value("need")])
            confirms = "need"
        if not state.get("messages"):
            notes.insert(0, GREETING)
        message = ask(brain, topic, profile, notes, confirms, _history(state))
        usage, said = _drain(brain)
        if said:
            message = message.model_copy(update={"text": "\n\n".join(said) + "\n\n" + message.text})
        return {
            "messages": [message.model_dump(mode="json")], "usage": usage,
            "pending": topic.id, "questions_asked": state.get("questions_asked", 0) + 1, "notes": [],
        }

    def recommend(state: InterviewState) -> dict:
        profile = _profile(state)
        passages: dict[str, list[Passage]] = {}
        for rule_id, query in evidence_queries(profile).items():
            rule = RULES_BY_ID[rule_id]
            found = retriever(query, 8)
            preferred = sorted(found, key=lambda p: (p.source_id not in rule.sources,))  # stable: keeps rank order
            passages[rule_id] = preferred[:2]
        rec = decide(profile, passages)
        previous = state.get("recommendation")
        prev = Recommendation.model_validate(previous) if previous else None
        summary = brain.explain(rec, profile, prev, write=_writer())
        usage, said = _drain(brain)
        notes = list(state.get("notes", [])) + said
        text = ("\n\n".join(notes) + "\n\n" + summary) if notes else summary
        rec = rec.model_copy(update={"summary": summary})
        return {
            "recommendation": rec.model_dump(mode="json"), "rec_key": repr(profile.decision_key()),
            "messages": [_msg(role="assistant", text=text, kind="recommendation")], "pending": None, "notes": [],
            "usage": usage,
        }

    def answer(state: InterviewState) -> dict:
        question = _last_user_text(state)
        rec_data = state.get("recommendation")
        rec = Recommendation.model_validate(rec_data) if rec_data else None
        notes = list(state.get("notes", []))
        usage: list[dict] = []
        if state.get("intent") == "question":
            text = brain.answer(question, retriever(question, 3), rec, write=_writer())
            usage, said = _drain(brain)
            notes += said
        elif state.get("intent") == "greeting":
            text = "Hello! " + ("Ask me about the recommendation, or tell me what changed." if rec else "")
        else:
            text = ("Nothing in that changes the facts I have, so the recommendation stands. Ask a question "
                    "about it, tell me what changed (\"what if we had 5,000 examples?\"), or say *done*.")
        if notes:
            text = "\n\n".join(notes) + "\n\n" + text
        return {"messages": [_msg(role="assistant", text=text, kind="answer")], "notes": [], "usage": usage}

    def after_answer(state: InterviewState) -> Literal["plan_question", "recommend", "wait"]:
        if state.get("recommendation") is not None:
            return "wait"
        return "plan_question" if _next(state) else "recommend"

    def finish(state: InterviewState) -> dict:
        return {"messages": [_msg(role="assistant", kind="text", text="Thanks, the interview is saved. You can "
                                  "come back to it at any time, or export the recommendation.")],
                "done": True, "pending": None}

    def wait(state: InterviewState) -> dict:
        text = interrupt({"pending": state.get("pending")})
        return {"messages": [_msg(role="user", text=str(text))]}

    def start(state: InterviewState) -> Literal["understand", "plan_question"]:
        msgs = state.get("messages", [])
        return "understand" if msgs and msgs[-1]["role"] == "user" else "plan_question"

    g = StateGraph(InterviewState)
    g.add_node("understand", understand)
    g.add_node("plan_question", plan_question)
    g.add_node("recommend", recommend)
    g.add_node("answer", answer)
    g.add_node("finish", finish)
    g.add_node("wait", wait)
    g.add_conditional_edges(START, start)
    g.add_conditional_edges("understand", route)
    g.add_edge("plan_question", "wait")
    g.add_edge("recommend", "wait")
    g.add_conditional_edges("answer", after_answer)
    g.add_edge("wait", "understand")
    g.add_edge("finish", END)
    return g.compile(checkpointer=checkpointer)


# Module-level compiled graph for LangGraph Server (langgraph.json); the server injects its own
# checkpointer. Built on first attribute access so importing this module stays cheap.
def __getattr__(name: str):
    if name == "graph":
        g = build_graph()
        globals()["graph"] = g
        return g
    raise AttributeError(name)


__all__ = ["InterviewState", "build_graph"]
