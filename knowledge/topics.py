"""Domain topics: a concept-level ranking signal next to BM25.

Users answer in their own words ("our docs change every week") while the notes say "how often the
information changes", so word overlap alone misses many good sections. Each topic below is a concept
the decision turns on, with the cues that signal it. A query and every indexed section get a topic
vector from the same cues (a cue in a section's heading counts more than one in its body), and the
ranker adds their cosine similarity to the normalised BM25 score (see Index._blended).

Cues are comma-separated: ``word`` matches the word and its plural, ``stem*`` any word starting with
the stem, and a cue of several words matches them as a phrase.
"""

from __future__ import annotations

import math
import re

TopicVector = dict[str, float]

TOPICS: dict[str, str] = {
    "freshness": """chang*, updat*, fresh*, stale, outdat*, frozen, weekly, daily, monthly, yearly, hourly,
        real-time, realtime, live, retrain*, re-index*, reindex*, release, rarely, volatile, stable,
        stability, every day, every week, every month, once a year, hardly ever, real time, stock level,
        inventory""",
    "knowledge": """know*, knowledge, fact*, catalog*, documentation, docs, wiki, polic*, manual*, handbook,
        faq, inject*, product information, internal documents""",
    "behaviour": """behav*, tone, style, voice, format*, json, schema, brand, persona, consisten*,
        inconsisten*, reasoning, taxonom*, rules, edge case, house style, output""",
    "examples": """exampl*, label*, annotat*, pair, dataset*, demonstration*, sample*, transcript*,
        training data, training set""",
    "data-quality": "noisy, quality, annotator*, disagree*, clean*, curat*, data quality",
    "latency": """latenc*, ms, millisecond*, second, instant*, fast*, slow*, speed*, snappy, autocomplete,
        responsive*, response time, real-time, interactive""",
    "cost": """cost*, dollar*, budget*, spend*, cheap*, expens*, bill*, pricing, afford*, setup, per query,
        per request, token cost""",
    "volume": """request, calls, traffic, million*, volume*, scale, high-volume, thousand*, per month,
        a day, per day""",
    "size": """page, article, tokens, prompt*, context, document, corpus, context window, system prompt,
        knowledge base""",
    "citations": """cite*, citation*, provenance, trace*, audit*, hallucinat*, verif*, attribut*, grounded,
        source document, where it came from""",
    "permissions": "permission*, access, tenant*, role, own data, only see, access control",
    "privacy": """privacy, private, confidential*, regulat*, hipaa, gdpr, patient*, healthcare, on-prem*,
        premises, servers, self-host*, residency, sensitive, leave our, enterprise agreement, vendor api,
        own infrastructure""",
    "adapters": """lora, qlora, adapter*, gpu, memory, quantis*, quantiz*, 4-bit, parameter-efficient, vram,
        single gpu, low-rank""",
    "distillation": "distil*, student, teacher, frontier, smaller model, small model, cheaper and faster",
    "forgetting": "forget*, catastroph*, general skills",
    "retrieval": """retriev*, chunk*, bm25, vector*, embedding*, hybrid, keyword*, rerank*, search*, fusion,
        rrf, merge, index*, exact match, part number, error code""",
    "multi-source": "several, combin*, multi-hop, multiple, across, synthes*, several documents",
    "process": """prototyp*, production, start*, mvp, escalat*, accuracy, measur*, evaluat*, baseline,
        iterat*, proof of concept""",
    "team": "team, maintain*, maintenance, engineer*, developer*, expertise, staff, ops, ml team",
}

HEADING_WEIGHT = 3.0  # a cue in the section's own heading says what the section is about...
HEADING_CAP = 2       # ...but repeating it in a long heading should not swamp everything else


def _cue_regex(cue: str) -> str:
    parts = []
    for word in cue.split():
        if word.endswith("*"):
            parts.append(re.escape(word[:-1]) + r"[a-z0-9-]*")
        else:
            parts.append(re.escape(word) + r"(?:s|es)?")
    return r"\s+".join(parts)


def _compile(spec: str) -> re.Pattern[str]:
    cues = [c.strip() for c in spec.split(",") if c.strip()]
    cues.sort(key=lambda c: -len(c.split()))  # phrases before their single words
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(_cue_regex(c) for c in cues) + r")(?![a-z0-9])")


PATTERNS: dict[str, re.Pattern[str]] = {topic: _compile(spec) for topic, spec in TOPICS.items()}


def topic_counts(text: str) -> dict[str, int]:
    """How many cues of each topic the text contains (topics with none are left out)."""
    low = text.lower()
    counts = {}
    for topic, pattern in PATTERNS.items():
        n = len(pattern.findall(low))
        if n:
            counts[topic] = n
    return counts


def query_vector(text: str) -> TopicVector:
    return {t: float(n) for t, n in topic_counts(text).items()}


def section_vector(heading: str, body: str) -> TopicVector:
    """Heading cues weigh HEADING_WEIGHT each (at most HEADING_CAP of them); body cues grow as log(1+n)."""
    head, text = topic_counts(heading), topic_counts(body)
    return {
        t: HEADING_WEIGHT * min(head.get(t, 0), HEADING_CAP) + math.log1p(text.get(t, 0))
        for t in head.keys() | text.keys()
    }

