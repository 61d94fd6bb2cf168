"""The interview as a LangGraph state machine (DESIGN §1).

    user text ─► understand ─► route ─┬─► plan_question ─► wait ─► understand …
                                      ├─► recommend ─► wait
                                      ├─► what_if ─► wait | plan_question
                                      ├─► answer ─► plan_question | recommend | wait
                                      └─► finish ─► END

Only ``wait`` calls ``interrupt()``; every side effect (brain calls, retrieval) lives in the nodes before it,
because a resumed node runs again from its top. State is plain JSON so that any checkpointer stores it; nodes
validate it into pydantic models at their boundary.

Nothing wedges a thread: every node runs under a guard that turns an exception (or an update the checkpointer
could not store, such as an int of 64 bits or more) into a plain-words message, records the failure in state,
and still reaches ``wait``, so the next message is read normally. The user's message is always kept.

Messages may arrive in our shape (``{"role", "text"}``) or the ``{"role", "content"}`` shape chat clients and
LangGraph Server clients send; both are normalised (and cleaned) on the way in.
"""

from __future__ import annotations

import logging
import math
import operator
import re
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypedDict

from langgraph.config import get_stream_writer
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command, interrupt

from knowledge.types import Passage

from .brains import Brain, OfflineBrain
from .describe import describe_value, echo_fact, echo_order, fact_label
from .engine import RULES_BY_ID, decide, evidence_queries
from .policy import DIRECTED_ASSUMPTIONS, GREETING, ask, assume, next_topic
from .text import clean_text
from .topics import TOPICS
from .types import FACT_FIELDS, STRATEGY_LABELS, Fact, Message, Profile, Recommendation

log = logging.getLogger("lever.graph")

Retriever = Callable[[str, int], list[Passage]]
MAX_ATTEMPTS = 2  # ask a topic at most twice, then assume and move on
# Facts read from word choice rather than stated outright: a passing mention ("no knowledge base, the
# specs are in the request") must not overwrite them unless that topic is being asked or it is a correction.
INFERRED = {"need", "goal", "corpus", "stage"}
INT64_MAX = 2**63 - 1

CONFIRM_NEED = {
    "knowledge": "From what you said, this sounds mostly like a **knowledge** problem. Is that right, or is there "
                 "also a behaviour side, such as a style or format that prompting doesn't get right?",
    "behaviour": "From what you said, this sounds mostly like a **behaviour** problem. Is that right, or does the "
                 "model also need to know facts from your own documents?",
    "both": "From what you said, this needs both knowledge and a particular behaviour. Is that right?",
}
_YES = re.compile(r"^\W*(yes|yeah|yep|yup|ya|sure|correct|right|exactly|indeed|that'?s (right|correct|it)|"
                  r"confirmed?|affirmative|y)\b", re.I)
_NO = re.compile(r"^\W*(no|nope|nah|not quite|not really|wrong|incorrect|that'?s (wrong|not right)|n)\b", re.I)


# ---------------------------------------------------------------------------------------------- messages
def message_text(item: Any) -> str:
    """The text of a message in any shape clients send: a string, ``{"text"}``, ``{"content"}`` (a string or a
    list of content blocks), or a LangChain message object."""
    if item is None:
        return ""
    if isinstance(item, str):
        return item
    content = item.get("text", item.get("content")) if isinstance(item, dict) else getattr(item, "content", None)
    if isinstance(content, list):
        parts = []
        for block in content:
            if isinstance(block, str):
                parts.append(block)
            elif isinstance(block, dict) and isinstance(block.get("text"), str):
                parts.append(block["text"])
        return "\n".join(parts)
    if isinstance(item, dict) and "messages" in item and content is None:
        msgs = item["messages"]
        return message_text(msgs[-1] if isinstance(msgs, list) and msgs else msgs)
    return "" if content is None else str(content)


def _role(item: Any) -> str:
    raw = item.get("role", item.get("type")) if isinstance(item, dict) else getattr(item, "type", None)
    return "assistant" if str(raw).lower() in ("assistant", "ai", "aimessage", "bot") else "user"


def normalise_message(item: Any) -> dict:
    """One message in our stored shape; user text goes through ``clean_text``."""
    if isinstance(item, dict) and item.get("role") in ("user", "assistant") and isinstance(item.get("text"), str):
        try:
            msg = Message.model_validate(item)
        except Exception:
            msg = Message(role=item["role"], text=item["text"])
    else:
        msg = Message(role=_role(item), text=message_text(item))
    if msg.role == "user":
        msg = msg.model_copy(update={"text": clean_text(msg.text)[0]})
    return msg.model_dump(mode="json")


def add_messages(left: list[dict] | None, right: Any) -> list[dict]:
    """The ``messages`` reducer: append, accepting one message or a list, in any client shape."""
    items = right if isinstance(right, list) else [right]
    return list(left or []) + [normalise_message(m) for m in items if m is not None]


class InterviewState(TypedDict, total=False):
    messages: Annotated[list[dict], add_messages]
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
    heard: list[str]  # what the latest answer was understood to say, in words (the echo line)
    confirm: dict | None  # a reading to check before recording it: {"field", "value", "quote"}
    checks_asked: list[str]  # checks already asked ("field=value"): never asked twice
    directions: dict[str, str]  # vague but directional answers: field -> "more" | "less"
    hypothesis: dict | None  # a what-if beside the stated facts: {"facts", "scale", "quote", "recommendation"}
    failures: Annotated[list[dict], operator.add]  # turns that failed: {"node", "error", "message"}


def _msg(**kw: Any) -> dict:
    return Message(**kw).model_dump(mode="json")


def _profile(state: InterviewState) -> Profile:
    return Profile.model_validate(state.get("profile") or {})


def _last_user_text(state: InterviewState) -> str:
    for m in reversed(state.get("messages", [])):
        if m["role"] == "user":
            return m["text"]
    return ""


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


# ---------------------------------------------------------------------------------------------- guards
def storable(value: Any, path: str = "update") -> None:
    """Raise ValueError if the checkpointer could not store ``value`` (ints of 64 bits or more, non-finite
    floats, text that is not valid Unicode), so a node fails *before* its result poisons the thread."""
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int):
        if not -INT64_MAX <= value <= INT64_MAX:
            raise ValueError(f"a number too large to store ({path})")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"a number that is not finite ({path})")
    elif isinstance(value, str):
        value.encode("utf-8")
    elif isinstance(value, dict):
        for k, v in value.items():
            storable(k, path)
            storable(v, f"{path}.{k}")
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            storable(v, f"{path}[{i}]")


def _failure(node: str, exc: BaseException, state: InterviewState) -> dict:
    return {"node": node, "error": f"{type(exc).__name__}: {exc}"[:300],
            "message": len(state.get("messages", []))}


def _guard(name: str, fn: Callable[[InterviewState], dict],
           fallback: Callable[[InterviewState, Exception], dict]) -> Callable[[InterviewState], dict]:
    def node(state: InterviewState) -> dict:
        try:
            update = fn(state)
            storable(update)
            return update
        except Exception as exc:  # noqa: BLE001 - the point is that no exception wedges the thread
            log.warning("node %s failed: %s", name, exc, exc_info=True)
            try:
                update = fallback(state, exc)
            except Exception as again:  # noqa: BLE001
                log.error("fallback for %s failed: %s", name, again, exc_info=True)
                update = {"messages": [_msg(role="assistant", kind="notice", text=_SORRY)], "notes": []}
            update["failures"] = [_failure(name, exc, state)]
            return update

    node.__name__ = name
    return node


def _safe_router(fn: Callable[[InterviewState], str], default: Callable[[InterviewState], str]):
    def router(state: InterviewState):
        try:
            return fn(state)
        except Exception as exc:  # noqa: BLE001
            log.warning("router %s failed: %s", fn.__name__, exc, exc_info=True)
            return default(state)

    router.__name__ = fn.__name__
    return router


_SORRY = ("Something went wrong on my side while handling that. Your message is kept in the conversation; send it "
          "again, or say it in other words, and I'll carry on.")


def _reason(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."


# ---------------------------------------------------------------------------------------------- the echo
def echo_line(recorded: list[tuple[str, Any, Any]]) -> str:
    """'Got it: about 120,000 requests a month; answers within 2 s.' for (field, value, old value) triples."""
    parts = []
    order = {name: i for i, name in enumerate(echo_order([n for n, _, _ in recorded]))}
    for name, value, old in sorted(recorded, key=lambda r: order[r[0]]):
        said = echo_fact(name, value)
        if old is not None and old != value:
            said += f" (updated from {describe_value(name, old)})"
        parts.append(said)
    return ("Got it: " + "; ".join(parts) + ".") if parts else ""


def after_echo(text: str, notices: list[str]) -> str:
    """``notices`` placed after the echo line when the text starts with one (the echo always comes first)."""
    said = "\n\n".join(notices)
    if text.startswith("Got it:"):
        first, _, rest = text.partition("\n")
        return f"{first}\n\n{said}" + (f"\n\n{rest.lstrip()}" if rest.strip() else "")
    return f"{said}\n\n{text}"


def _apply_scale(profile: Profile, scale: dict[str, float]) -> dict[str, Any]:
    out = {}
    for name, factor in scale.items():
        current = profile.value(name)
        if isinstance(current, (int, float)) and not isinstance(current, bool) and factor > 0:
            out[name] = min(int(current * factor), INT64_MAX)
    return out


def what_moved(current: Recommendation, alternative: Recommendation) -> str:
    """How a what-if's recommendation differs from the stated one: verdict, confidence, scores and cost."""
    if alternative.strategy != current.strategy:
        lines = [f"That would change the answer: {current.label} → **{alternative.label}** "
                 f"({alternative.confidence_label} confidence, {alternative.confidence:.0%})."]
    else:
        lines = [f"The answer would still be **{alternative.label}** ({alternative.confidence:.0%} confidence, "
                 f"now {current.confidence:.0%})."]
    old = {s.strategy: s.score for s in current.ranking}
    moved = [f"{s.label} {old.get(s.strategy, 0):+.1f} → {s.score:+.1f}" for s in alternative.ranking
             if abs(old.get(s.strategy, 0) - s.score) >= 0.05]
    if moved:
        lines.append("Scores that would move: " + "; ".join(moved) + ".")
    now = next((c for c in current.costs if c.strategy == current.strategy), None)
    then = next((c for c in alternative.costs if c.strategy == alternative.strategy), None)
    if now and then:
        lines.append(f"Cost: about ${then.monthly_usd:,.0f} a month (now ${now.monthly_usd:,.0f}).")
    return "\n".join(lines)


def hypothetical_profile(profile: Profile, hypothesis: dict) -> Profile:
    for name, fact in (hypothesis.get("facts") or {}).items():
        profile = profile.model_copy(update={name: Fact.model_validate(fact)})
    return profile


# ---------------------------------------------------------------------------------------------- the graph
def build_graph(brain: Brain | None = None, retriever: Retriever | None = None, checkpointer: Any = None,
                user_retriever: Retriever | None = None):
    """Compile the interview graph. ``retriever(query, k)`` returns passages; ``user_retriever(query, k)`` returns
    passages of the user's own documents only (they always get a say); callers inject a checkpointer."""
    brain = brain or OfflineBrain()
    if retriever is None:
        from knowledge import Library

        library = Library()
        retriever, user_retriever = library.search, user_retriever or library.search_user

    def understand(state: InterviewState) -> dict:
        text = _last_user_text(state)
        pending = state.get("pending")
        profile = _profile(state)
        heard = brain.understand(text, pending, profile, _history(state)[:-1], state.get("heard_fields", []))
        usage, said = _drain(brain)
        notes: list[str] = list(state.get("notes", [])) + said
        asked = list(state.get("asked", []))
        attempts = dict(state.get("attempts", {}))
        directions = dict(state.get("directions", {}))
        hypothesis = state.get("hypothesis")
        intent = heard.intent
        facts = dict(heard.facts)
        confirm = None

        # A check we asked last turn: "yes" records the reading, "no" drops it, a new figure replaces it.
        asked_check = state.get("confirm")
        checked: set[str] = set()  # facts the user has just confirmed: said outright, never checked again
        if asked_check:
            field = asked_check["field"]
            if field not in facts and _YES.match(text) and not _NO.match(text):
                facts[field] = (asked_check["value"], asked_check["quote"])
                checked.add(field)
                intent = "answer"
            elif field not in facts and _NO.match(text):
                notes.append("Thanks for checking; I've left that out.")
                intent = "answer"

        # Adopting a what-if makes its facts stated.
        if intent == "adopt":
            if hypothesis:
                for name, fact in (hypothesis.get("facts") or {}).items():
                    facts.setdefault(name, (fact["value"], fact.get("quote") or hypothesis.get("quote", "")))
                intent = "answer"
            else:
                intent = "answer"
        if intent == "whatif":
            hyp_facts = {name: Fact(value=v, quote=q or text).model_dump(mode="json") for name, (v, q) in facts.items()
                         if name in FACT_FIELDS}
            for name, value in _apply_scale(profile, heard.scale).items():
                hyp_facts[name] = Fact(value=value, quote=text).model_dump(mode="json")
            if hyp_facts:
                return {
                    "notes": notes + heard.refused, "intent": "whatif", "usage": usage, "brain": brain.name,
                    "hypothesis": {"facts": hyp_facts, "scale": dict(heard.scale), "quote": text,
                                   "recommendation": None},
                    "confirm": None, "done": False, "heard": [], "heard_fields": [],
                }
            intent = "question"  # "what if ..." about nothing we can evaluate: answer it as a question

        pending_fills = TOPICS[pending].fills if pending in TOPICS else []
        explicit = heard.explicit | checked
        unconfirmed = [f for f in state.get("unconfirmed", []) if f not in explicit and f not in pending_fills]
        if "need" in facts and "need" not in explicit and "need" not in pending_fills \
                and not profile.known("need"):
            unconfirmed.append("need")
        recorded: list[tuple[str, Any, Any]] = []
        for name, (value, quote) in facts.items():
            if name not in FACT_FIELDS:
                continue
            old = getattr(profile, name)
            if (name in INFERRED and old is not None and old.status == "stated" and name not in pending_fills
                    and not heard.correction and name not in explicit):
                continue
            if name != "corpus_tokens" and (old is None or old.value != value or old.status != "stated"):
                recorded.append((name, value, old.value if old is not None and old.status == "stated" else None))
            profile = profile.with_value(name, value, quote=quote or text, status="stated")
            directions.pop(name, None)
        notes.extend(heard.refused)
        for name, direction in heard.directions.items():
            if name in FACT_FIELDS and not profile.known(name):
                directions[name] = direction
        checks_asked = list(state.get("checks_asked", []))
        for name, (value, quote) in heard.confirm.items():
            key = f"{name}={value!r}"
            if name in FACT_FIELDS and name not in facts and key not in checks_asked:  # one check per reading, once
                confirm = {"field": name, "value": value, "quote": quote or text}
                checks_asked.append(key)
                break
        if heard.order:
            notes.append("I can't take instructions about which strategy to pick: the recommendation follows "
                         "from your facts, so I've only kept the facts in that message.")
        echo = echo_line(recorded)
        if echo:
            notes.insert(0, echo)
        if recorded and hypothesis:
            hypothesis = None  # the what-if was relative to facts that have just changed
        if pending and pending in TOPICS and confirm is None:
            topic = TOPICS[pending]
            if any(profile.known(f) for f in topic.fills):
                if pending not in asked:
                    asked.append(pending)
            elif intent in ("unsure", "done", "answer", "empty"):
                attempts[pending] = attempts.get(pending, 0) + 1
                if intent in ("unsure", "done") or attempts[pending] >= MAX_ATTEMPTS:
                    profile, said_names = assume(profile, pending, quote=text)
                    for name in said_names:
                        directed = DIRECTED_ASSUMPTIONS.get(name, {}).get(directions.get(name, ""))
                        if directed is not None:
                            profile = profile.with_value(name, directed, quote=text, status="assumed")
                    asked.append(pending)
                    if said_names:
                        notes.append("No problem, I'll assume " + ", ".join(
                            f"{fact_label(n)}: {describe_value(n, profile.value(n))}" for n in said_names)
                            + " for now, and lower my confidence accordingly.")
                elif not facts and any(f in directions for f in topic.fills):
                    notes.append("Thanks, that gives me the direction. Roughly what figure would you put on it?")
                elif not facts and not heard.refused:
                    notes.append("Sorry, I didn't catch an answer to that.")
        return {
            "profile": profile.model_dump(mode="json"), "notes": notes, "asked": asked, "attempts": attempts,
            "intent": intent, "done": False, "unconfirmed": unconfirmed, "usage": usage, "brain": brain.name,
            "heard": [echo_fact(n, v) for n in echo_order([n for n, _, _ in recorded])
                      for m, v, _ in recorded if m == n],
            "heard_fields": [n for n, _, _ in recorded],
            "confirm": confirm, "directions": directions, "hypothesis": hypothesis, "checks_asked": checks_asked,
        }

    def understand_failed(state: InterviewState, exc: Exception) -> dict:
        return {"intent": "failed", "confirm": None, "notes": list(state.get("notes", [])) + [
            f"I couldn't read that message ({_reason(exc)}). It is kept in the conversation, and nothing I knew "
            "has changed; please say it again in other words."]}

    def route(state: InterviewState) -> Literal["plan_question", "recommend", "what_if", "answer", "finish"]:
        intent = state.get("intent")
        has_rec = state.get("recommendation") is not None
        profile = _profile(state)
        if intent == "done":
            return "finish" if has_rec else "recommend"
        if intent == "whatif":
            return "what_if"
        if intent == "failed":
            return "answer" if has_rec else "plan_question" if _next(state) else "answer"
        if state.get("confirm"):
            return "plan_question"
        if has_rec:
            if repr(profile.decision_key()) != state.get("rec_key"):
                return "recommend"
            return "answer"
        if intent == "question":
            return "answer"
        return "plan_question" if _next(state) else "recommend"

    def plan_question(state: InterviewState) -> dict:
        profile = _profile(state)
        notes = list(state.get("notes", []))
        check = state.get("confirm")
        if check:
            said = echo_fact(check["field"], check["value"])
            numeric = isinstance(check["value"], (int, float)) and not isinstance(check["value"], bool)
            text = "\n\n".join(notes + [f"Just to check, did you mean **{said}**? Say yes or no" + (
                ", or give the right figure." if numeric else ", or tell me what holds instead.")])
            return {"messages": [_msg(role="assistant", kind="question", text=text, topic=state.get("pending"),
                                      options=["Yes", "No"], confirms=check["field"])],
                    "questions_asked": state.get("questions_asked", 0) + 1, "notes": []}
        topic = _next(state)
        if topic is None:  # only reached after a failed turn with nothing left to ask
            text = "\n\n".join(notes + ["Say *done* for the recommendation, or ask me anything."])
            return {"messages": [_msg(role="assistant", kind="text", text=text)], "notes": []}
        confirms = None
        if topic.id == "need" and "need" in state.get("unconfirmed", []) and profile.known("need"):
            notes.append(CONFIRM_NEED[profile.value("need")])
            confirms = "need"
        if not state.get("messages"):
            notes.insert(0, GREETING)
        message = ask(brain, topic, profile, notes, confirms, _history(state))
        usage, said = _drain(brain)
        said = [n for n in said if n not in notes]  # the same notice from understanding and phrasing: once
        if said:
            message = message.model_copy(update={"text": after_echo(message.text, said)})
        return {
            "messages": [message.model_dump(mode="json")], "usage": usage,
            "pending": topic.id, "questions_asked": state.get("questions_asked", 0) + 1, "notes": [],
        }

    def plan_question_failed(state: InterviewState, exc: Exception) -> dict:
        notes = list(state.get("notes", []))
        topic = TOPICS.get(state.get("pending") or "") or next(iter(TOPICS.values()))
        try:
            topic = _next(state) or topic
        except Exception:  # noqa: BLE001
            pass
        text = "\n\n".join(notes + [topic.question])
        return {"messages": [_msg(role="assistant", kind="question", text=text, topic=topic.id,
                                  options=topic.options)],
                "pending": topic.id, "questions_asked": state.get("questions_asked", 0) + 1, "notes": [],
                "confirm": None}

    def _grounded(profile: Profile) -> Recommendation:
        passages: dict[str, list[Passage]] = {}
        users: dict[str, list[Passage]] = {}
        for rule_id, query in evidence_queries(profile).items():
            rule = RULES_BY_ID[rule_id]
            found = retriever(query, 8)
            preferred = sorted(found, key=lambda p: (p.source_id not in rule.sources,))  # stable: keeps rank order
            passages[rule_id] = preferred[:2]
            if user_retriever is not None:  # the user's own documents always get a say when they disagree
                users[rule_id] = user_retriever(query, 1)
        return decide(profile, passages, users)

    def recommend(state: InterviewState) -> dict:
        profile = _profile(state)
        rec = _grounded(profile)
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
            "usage": usage, "confirm": None,
        }

    def recommend_failed(state: InterviewState, exc: Exception) -> dict:
        notes = list(state.get("notes", []))
        return {"messages": [_msg(role="assistant", kind="notice", text="\n\n".join(notes + [
            f"I couldn't put the recommendation together ({_reason(exc)}). Your answers are saved; send any message "
            "and I'll try again."]))], "notes": [], "confirm": None}

    def what_if(state: InterviewState) -> dict:
        profile = _profile(state)
        hypothesis = dict(state["hypothesis"])
        hyp_profile = hypothetical_profile(profile, hypothesis)
        rec = _grounded(hyp_profile)
        stated = state.get("recommendation")
        current = Recommendation.model_validate(stated) if stated else None
        changes = "; ".join(echo_fact(n, f["value"]) for n, f in hypothesis["facts"].items())
        lead = [f"**What if:** {changes}? This is a what-if: the facts you stated are unchanged."]
        summary = ""
        if current is None:
            lead.append("On what I know so far, the answer would lean to "
                        f"**{rec.label}** ({rec.confidence_label} confidence). I'll carry on with the questions.")
        else:
            lead.append(what_moved(current, rec))
            lead.append("Say *go with that* to adopt it, or tell me what actually holds.")
            summary = brain.explain(rec, hyp_profile, None, write=_writer())
        usage, said = _drain(brain)
        text = "\n\n".join(list(state.get("notes", [])) + said + lead + ([summary] if summary else []))
        rec = rec.model_copy(update={"summary": summary})
        hypothesis["recommendation"] = rec.model_dump(mode="json")
        return {"messages": [_msg(role="assistant", kind="whatif", text=text)], "hypothesis": hypothesis,
                "notes": [], "usage": usage}

    def what_if_failed(state: InterviewState, exc: Exception) -> dict:
        return {"messages": [_msg(role="assistant", kind="notice", text=
                                  f"I couldn't work out that what-if ({_reason(exc)}). Your stated facts are "
                                  "unchanged; try putting it another way.")],
                "hypothesis": None, "notes": []}

    def after_what_if(state: InterviewState) -> Literal["plan_question", "recommend", "wait"]:
        if state.get("recommendation") is not None:
            return "wait"
        return "plan_question" if _next(state) else "recommend"

    def answer(state: InterviewState) -> dict:
        question = _last_user_text(state)
        rec_data = state.get("recommendation")
        rec = Recommendation.model_validate(rec_data) if rec_data else None
        notes = list(state.get("notes", []))
        usage: list[dict] = []
        intent = state.get("intent")
        if intent == "question":
            text = brain.answer(question, retriever(question, 3), rec, write=_writer())
            usage, said = _drain(brain)
            notes += said
        elif intent == "greeting":
            text = "Hello! " + ("Ask me about the recommendation, or tell me what changed." if rec else "")
        elif intent == "failed":
            text = ""
        elif notes and any(n.startswith("Got it:") for n in notes):
            text = "That doesn't change the recommendation. Ask me about it, try a what-if, or say *done*."
        else:
            text = ("Nothing in that changes the facts I have, so the recommendation stands. Ask a question "
                    "about it, tell me what changed (\"what if we had 5,000 examples?\"), or say *done*.")
        text = "\n\n".join(notes + ([text] if text else [])) or _SORRY
        return {"messages": [_msg(role="assistant", text=text, kind="answer")], "notes": [], "usage": usage}

    def answer_failed(state: InterviewState, exc: Exception) -> dict:
        return {"messages": [_msg(role="assistant", kind="notice", text="\n\n".join(list(state.get("notes", [])) + [
            f"I couldn't answer that ({_reason(exc)}). Ask again, or in other words."]))], "notes": []}

    def after_answer(state: InterviewState) -> Literal["plan_question", "recommend", "wait"]:
        if state.get("recommendation") is not None:
            return "wait"
        if state.get("intent") == "failed":
            return "wait" if state.get("pending") else "plan_question" if _next(state) else "wait"
        return "plan_question" if _next(state) else "recommend"

    def finish(state: InterviewState) -> dict:
        return {"messages": [_msg(role="assistant", kind="text", text="Thanks, the interview is saved. You can "
                                  "come back to it at any time, or export the recommendation.")],
                "done": True, "pending": None}

    def wait(state: InterviewState) -> dict:
        reply = interrupt(turn_payload(state))
        return {"messages": [normalise_message({"role": "user", "text": message_text(reply)})]}

    def start(state: InterviewState) -> Literal["understand", "plan_question"]:
        msgs = state.get("messages", [])
        return "understand" if msgs and msgs[-1]["role"] == "user" else "plan_question"

    def _rec_or_recommend(state: InterviewState) -> str:
        return "answer" if state.get("recommendation") is not None else "recommend"

    g = StateGraph(InterviewState)
    g.add_node("understand", _guard("understand", understand, understand_failed))
    g.add_node("plan_question", _guard("plan_question", plan_question, plan_question_failed))
    g.add_node("recommend", _guard("recommend", recommend, recommend_failed))
    g.add_node("what_if", _guard("what_if", what_if, what_if_failed))
    g.add_node("answer", _guard("answer", answer, answer_failed))
    g.add_node("finish", finish)
    g.add_node("wait", wait)
    g.add_conditional_edges(START, _safe_router(start, lambda s: "plan_question"))
    g.add_conditional_edges("understand", _safe_router(route, _rec_or_recommend))
    g.add_edge("plan_question", "wait")
    g.add_edge("recommend", "wait")
    g.add_conditional_edges("what_if", _safe_router(after_what_if, lambda s: "wait"))
    g.add_conditional_edges("answer", _safe_router(after_answer, lambda s: "wait"))
    g.add_edge("wait", "understand")
    g.add_edge("finish", END)
    compiled = g.compile(checkpointer=checkpointer)
    compiled.__class__ = InterviewGraph
    return compiled


def _waiting(snapshot: Any) -> bool:
    return bool(getattr(snapshot, "interrupts", ())) or any(
        getattr(t, "interrupts", ()) for t in getattr(snapshot, "tasks", ()))


def _as_message(command: Command) -> dict:
    return {"messages": [{"role": "user", "text": message_text(command.resume)}]}


class InterviewGraph(CompiledStateGraph):
    """The compiled interview. A client that resumes a thread which is not waiting for an answer (a finished
    interview, or one never started) has its text taken as a new message instead of failing: the graph treats
    ``Command(resume=text)`` and ``{"messages": [text]}`` alike whenever there is no question to resume."""

    def _resumable(self, input: Any) -> bool:
        return (isinstance(input, Command) and input.resume is not None and not input.goto and input.update is None
                and self.checkpointer is not None)

    def stream(self, input: Any, config: Any = None, **kwargs: Any):
        if self._resumable(input) and not _waiting(self.get_state(config)):
            input = _as_message(input)
        return super().stream(input, config, **kwargs)

    async def astream(self, input: Any, config: Any = None, **kwargs: Any):
        if self._resumable(input) and not _waiting(await self.aget_state(config)):
            input = _as_message(input)
        async for item in super().astream(input, config, **kwargs):
            yield item


def turn_payload(state: InterviewState) -> dict:
    """What a client needs to render the turn it is waiting on (the interrupt's value)."""
    last = next((m for m in reversed(state.get("messages", [])) if m.get("role") == "assistant"), None)
    rec = state.get("recommendation")
    return {
        "pending": state.get("pending"),
        "question": last["text"] if last else "",
        "kind": last.get("kind", "text") if last else "text",
        "options": list(last.get("options") or []) if last else [],
        "confirms": last.get("confirms") if last else None,
        "recommendation": (rec or {}).get("strategy"),
        "recommendation_label": STRATEGY_LABELS.get((rec or {}).get("strategy", ""), ""),
    }


# Module-level compiled graph for callers that want one; built on first attribute access so importing this
# module stays cheap. LangGraph Server loads ``agent/server.py`` instead (it does not consult __getattr__).
def __getattr__(name: str):
    if name == "graph":
        g = build_graph()
        globals()["graph"] = g
        return g
    raise AttributeError(name)


__all__ = ["InterviewState", "build_graph", "message_text", "normalise_message", "turn_payload"]
