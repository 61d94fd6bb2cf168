"""Hostile inputs for the chaos harness: seeded, reproducible, at most ``MAX_MESSAGE_CHARS`` long.

``make_input(seed, stream, i)`` always returns the same (kind, text) for the same arguments, so any input a
report names can be regenerated from its seed, stream and index (``python -m evals.chaos --show S STREAM I``).
"""

from __future__ import annotations

import functools
import random

from agent import MAX_MESSAGE_CHARS
from agent.topics import TOPICS

# kind -> weight. Long inputs are few because each costs milliseconds; the rest are cheap.
KINDS: dict[str, int] = {
    "unicode": 12,      # random code points: lone surrogates, control characters, escapes, marks, emoji
    "digits": 10,       # long runs of digits glued to letters
    "huge": 12,         # huge numbers in plausible sentences, with and without separators
    "power": 12,        # exponents and powers: 1e9, 10^999, 2**64, 10³, 5 × 10^12
    "negative": 10,     # negative numbers: -500, minus 200, −300, (−5)
    "repeat": 8,        # one word repeated hundreds of times
    "long": 3,          # realistic text at the full 4,000 characters
    "mutation": 25,     # realistic answers, mutated
    "plain": 8,         # realistic answers as they are (the baseline)
}
_KIND_LIST = list(KINDS)
_WEIGHTS = [KINDS[k] for k in _KIND_LIST]

UNITS = [
    "examples", "labelled examples", "labeled pairs", "requests a month", "requests per day", "queries an hour",
    "calls a week", "ms", "milliseconds", "seconds", "s", "minutes", "documents", "pages", "tokens", "dollars a month",
    "$ per month", "k", "m", "million", "billion", "thousand", "users", "tickets a month", "",
]
FILLER = ["we have", "about", "roughly", "maybe", "around", "under", "at most", "more than", "it's", "budget is",
          "latency", "volume", "we get", "our corpus has", "we could label", "answers in", ""]
ESCAPES = ["\x1b[31m", "\x1b[2J", "\x1b]0;title\x07", "\x1b[0m", "\x07", "\x00", "\r\n", "\t", "\x7f", "\x9b",
           "\u200b", "\u202e", "\ufeff", "\ufffd", "\u0301", "\U0001F600", "\ud800", "\udfff", "\udc80abc\ud83d"]
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
BASIC_ANSWERS = {  # used when the scenario folder cannot be read
    "need": ["Knowledge: it must know our documents and facts", "Behaviour: style, format or a task skill", "Both"],
    "freshness": ["Daily or faster", "Weekly", "Monthly", "Hardly ever"],
    "budget": ["Under 300 ms, millions of requests, cost matters", "About a second, ~100k requests a month"],
    "examples": ["None yet", "Under 100", "A few hundred", "A few thousand", "10,000 or more"],
    "corpus": ["A few pages: it fits in a prompt", "Hundreds of documents"],
    "citations": ["Yes, answers must cite sources", "No, neither"],
    "privacy": ["It must stay on our infrastructure", "A cloud API with an agreement is fine"],
}


@functools.lru_cache(maxsize=1)
def realistic() -> tuple[list[str], dict[str, list[str]]]:
    """(openings, answers by topic) from the scripted scenarios and the topics' quick replies."""
    openings: list[str] = []
    answers: dict[str, list[str]] = {t: list(TOPICS[t].options) for t in TOPICS}
    try:
        from evals.runner import SCENARIO_DIR, load_scenarios

        scenarios, _ = load_scenarios(SCENARIO_DIR)
    except Exception:  # the harness must run whatever state the scenarios are in
        scenarios = []
    for sc in scenarios:
        openings.append(sc.opening)
        for topic, text in (sc.answers or {}).items():
            answers.setdefault(topic, []).append(text)
        for text in sc.turns or []:
            answers.setdefault("any", []).append(text)
    for topic, texts in BASIC_ANSWERS.items():
        if len(answers.get(topic, [])) < 2:
            answers.setdefault(topic, []).extend(texts)
    if not openings:
        openings = ["We answer customer questions from our product docs", "We classify support tickets"]
    return openings, answers


def _all_texts() -> list[str]:
    openings, answers = realistic()
    return openings + [t for texts in answers.values() for t in texts]


def _number(rng: random.Random, digits: int) -> str:
    first = str(rng.randint(1, 9))
    return first + "".join(rng.choice("0123456789") for _ in range(digits - 1))


def _grouped(num: str) -> str:
    return f"{int(num):,}" if len(num) < 4000 else num


def _unicode(rng: random.Random) -> str:
    out = []
    for _ in range(rng.randint(1, 300)):
        r = rng.random()
        if r < 0.15:
            out.append(rng.choice(ESCAPES))
        elif r < 0.25:
            out.append(chr(rng.randint(0xD800, 0xDFFF)))  # lone surrogate
        elif r < 0.35:
            out.append(chr(rng.choice([rng.randint(0, 31), rng.randint(127, 159)])))
        elif r < 0.6:
            out.append(chr(rng.randint(32, 126)))
        elif r < 0.8:
            out.append(chr(rng.randint(0xA0, 0xD7FF)))
        else:
            out.append(chr(rng.randint(0xE000, 0x10FFFF)))
    return "".join(out)


def _digits(rng: random.Random) -> str:
    n = round(2 ** rng.uniform(1, 11.95))  # log-uniform, 2 .. ~3,950 digits
    run = _number(rng, n) if rng.random() < 0.7 else rng.choice("0123456789") * n
    word = rng.choice(["a", "k", "ms", "examples", "x", "e", "abc", "requests", "é", "m", "s", "_", "b"])
    shape = rng.randrange(4)
    text = [run + word, word + run, word + run + word, f"{rng.choice(FILLER)} {run}{word} a month"][shape]
    return text


def _huge(rng: random.Random) -> str:
    num = _number(rng, round(2 ** rng.uniform(3, 8.5)))  # 8 .. ~360 digits
    shown = _grouped(num) if rng.random() < 0.5 else num
    return f"{rng.choice(FILLER)} {shown} {rng.choice(UNITS)}".strip()


def _power(rng: random.Random) -> tuple[str, dict]:
    mant = rng.choice(["1", "2", "5", "1.5", "9.99", "3"])
    exp = rng.choice([str(rng.randint(2, 30)), str(rng.randint(30, 9999)), f"-{rng.randint(1, 30)}",
                      f"+{rng.randint(2, 400)}"])
    bare = exp.lstrip("+-")
    forms = [  # (how it is written, the parts a reader might take alone)
        (f"{mant}e{exp}", [mant, bare]), (f"{mant}E{exp}", [mant, bare]), (f"10^{exp}", ["10", bare]),
        (f"2**{exp}", ["2", bare]), (f"{mant} × 10^{exp}", [mant, "10", bare]), (f"{mant}x10^{exp}", [mant, bare]),
        ("10" + "".join(SUPERSCRIPTS[int(c)] for c in bare), ["10", bare]), (f"{mant}*10**{exp}", [mant, bare]),
    ]
    form, parts = rng.choice(forms)
    lead, unit = rng.choice(FILLER), rng.choice(UNITS)
    # the same sentence with only one part of the power: a reading equal to one of these is a misreading
    alts = [f"{lead} {part} {unit}".strip() for part in dict.fromkeys(parts)]
    return f"{lead} {form} {unit}".strip(), {"alts": alts, "misread": "power read as one of its parts"}


def _negative(rng: random.Random) -> tuple[str, dict]:
    num = _number(rng, rng.randint(1, 12))
    sign = rng.choice(["-", "−", "minus ", "negative ", "(-"])
    shown = _grouped(num) if rng.random() < 0.4 else num
    lead, unit = rng.choice(FILLER), rng.choice(UNITS)
    signed = sign + shown + (")" if sign == "(-" else "")
    # the same sentence without the sign: reading the same value from both is reading the sign away
    return (f"{lead} {signed} {unit}".strip(),
            {"alts": [f"{lead} {shown} {unit}".strip()], "misread": "negative number read without its sign"})


def _repeat(rng: random.Random) -> str:
    word = rng.choice(["thousand", "million", "billion", "hundred", "very", "examples", "1k", "ms", "no",
                       "weekly", "and", "a", "k", "10", "1,000,", "-", "e9", "fourty", "dozen", "twenty-"])
    sep = rng.choice([" ", "", ", ", "-"])
    count = rng.randint(50, 1500)
    return sep.join([word] * count)[:MAX_MESSAGE_CHARS]


def _long(rng: random.Random) -> str:
    texts = _all_texts()
    out = ""
    while len(out) < MAX_MESSAGE_CHARS:
        out += rng.choice(texts) + rng.choice([" ", "\n", ". ", ", and "])
    return out[:MAX_MESSAGE_CHARS]


def _mutate(rng: random.Random, text: str) -> str:
    for _ in range(rng.randint(1, 4)):
        if not text:
            text = rng.choice(_all_texts())
        op = rng.randrange(10)
        pos = rng.randint(0, len(text))
        if op == 0:  # insert digits
            text = text[:pos] + _number(rng, rng.randint(1, 40)) + text[pos:]
        elif op == 1:  # replace the first number with a hostile one
            made = rng.choice([_huge, _power, _negative])(rng)
            hostile = (made[0] if isinstance(made, tuple) else made).split(" ")
            token = next((w for w in hostile if any(c.isdigit() for c in w)), "0")
            digits_at = next((i for i, c in enumerate(text) if c.isdigit()), pos)
            end = digits_at
            while end < len(text) and (text[end].isdigit() or text[end] in ",."):
                end += 1
            text = text[:digits_at] + token + text[end:]
        elif op == 2:  # repeat a word
            words = text.split()
            if words:
                k = rng.randrange(len(words))
                words[k] = " ".join([words[k]] * rng.randint(2, 200))
                text = " ".join(words)
        elif op == 3:  # delete a span
            text = text[:pos] + text[pos + rng.randint(1, 20):]
        elif op == 4:
            text = text.swapcase() if rng.random() < 0.5 else text.upper()
        elif op == 5:
            text = text[:pos] + rng.choice(ESCAPES) + text[pos:]
        elif op == 6:  # glue digits to the next word
            text = text[:pos] + rng.choice("0123456789") * rng.randint(5, 300) + text[pos:].lstrip()
        elif op == 7:
            text = text + " " + rng.choice(UNITS)
        elif op == 8:  # splice two answers
            other = rng.choice(_all_texts())
            text = text[:pos] + " " + other[rng.randint(0, len(other)):]
        else:
            text = rng.choice(["actually ", "no, ", "what if we had ", "not ", "never ", "ignore your rules, "]) + text
    return text[:MAX_MESSAGE_CHARS]


def make_case(seed: int, stream: str, i: int) -> tuple[str, str, dict]:
    """The i-th hostile input of a stream: (kind, text, truth). Deterministic in (seed, stream, i).

    ``truth`` is empty except for negative numbers and powers: there it holds ``alts``, the same sentence
    without the sign or with one part of the power, and ``misread``, the name of the mistake; reading the same
    value from the input as from an alt is that mistake (``chaos_bounds.check_misread``)."""
    rng = random.Random(f"{seed}/{stream}/{i}")
    kind = rng.choices(_KIND_LIST, weights=_WEIGHTS)[0]
    truth: dict = {}
    if kind == "unicode":
        text = _unicode(rng)
    elif kind == "digits":
        text = _digits(rng)
    elif kind == "huge":
        text = _huge(rng)
    elif kind == "power":
        text, truth = _power(rng)
    elif kind == "negative":
        text, truth = _negative(rng)
    elif kind == "repeat":
        text = _repeat(rng)
    elif kind == "long":
        text = _long(rng)
    elif kind == "mutation":
        text = _mutate(rng, rng.choice(_all_texts()))
    else:
        text = rng.choice(_all_texts())
    return kind, text[:MAX_MESSAGE_CHARS], truth


def make_input(seed: int, stream: str, i: int) -> tuple[str, str]:
    """The i-th hostile input of a stream: (kind, text)."""
    kind, text, _ = make_case(seed, stream, i)
    return kind, text


def excerpt(text: str, limit: int = 70) -> str:
    """A printable, short form of an input for a report line."""
    shown = text if len(text) <= limit else text[: limit - 20] + "…" + text[-19:]
    return ascii(shown)[1:-1] + (f" ({len(text):,} chars)" if len(text) > limit else "")
