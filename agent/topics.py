"""The questions the interview can ask. The first three are the key questions."""

from __future__ import annotations

from .types import Topic

TOPICS: dict[str, Topic] = {
    t.id: t
    for t in [
        Topic(
            id="need", title="Knowledge or behaviour", key=True, fills=["need"],
            question="Is your problem mostly about **knowledge** (the model must know your facts, documents or "
            "catalogue) or about **behaviour** (a style, a format, a way of classifying or extracting), or both?",
            options=["Knowledge: it must know our documents and facts", "Behaviour: style, format or a task skill",
                     "Both"],
        ),
        Topic(
            id="freshness", title="How often it changes", key=True, fills=["freshness"],
            question="How often does the underlying information change: daily, weekly, monthly, or hardly ever?",
            options=["Daily or faster", "Weekly", "Monthly", "Hardly ever"],
        ),
        Topic(
            id="budget", title="Latency and cost budget", key=True,
            fills=["latency_ms", "volume_month", "cost_sensitivity"],
            question="What are your latency and cost budgets? Roughly how fast must an answer come back, how many "
            "requests a month do you expect, and how much does the bill matter?",
            options=["Under 300 ms, millions of requests, cost matters", "About a second, ~100k requests a month",
                     "A few seconds is fine, low volume"],
        ),
        Topic(
            id="examples", title="Labelled examples", fills=["examples"],
            question="How many labelled examples (input → desired output pairs) do you have, or could you collect?",
            options=["None yet", "Under 100", "A few hundred", "A few thousand", "10,000 or more"],
        ),
        Topic(
            id="corpus", title="Size of the knowledge", fills=["corpus"],
            question="How much knowledge is involved? Would it fit in a prompt (a few pages), or is it hundreds or "
            "thousands of documents?",
            options=["A few pages: it fits in a prompt", "Hundreds of documents", "Thousands of documents or more"],
        ),
        Topic(
            id="citations", title="Citations and permissions", fills=["citations", "permissions"],
            question="Must answers cite their sources so users can check them, and do different users see "
            "different data?",
            options=["Yes, answers must cite sources", "Yes, and users have different permissions",
                     "No, neither"],
        ),
        Topic(
            id="privacy", title="Data privacy", fills=["privacy"],
            question="Does the data have to stay on your own infrastructure (data residency, regulated data), or "
            "is a cloud API under a data agreement fine?",
            options=["It must stay on our infrastructure", "A cloud API with an agreement is fine",
                     "No special constraints"],
        ),
    ]
}

KEY_TOPICS = [t for t in TOPICS.values() if t.key]
FOLLOW_UPS = [t for t in TOPICS.values() if not t.key]
