"""Text before reading: valid Unicode, bounded length, pasted noise blanked out, clauses.

Every pattern here is linear on any input: no nested unbounded quantifiers, and each line is looked at once.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

MAX_CHARS = 4000  # the message limit; the reader never looks past it

_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": " - ", "\u2015": " - ", "\u2212": "-",
                         "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " ",
                         "\u2009": " ", "\u202f": " ", "\u00d7": "x"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SUPERSCRIPT = re.compile(r"(?<=\d)[\u207a\u207b]?[\u2070\u00b9\u00b2\u00b3\u2074-\u2079]+")
_SUPER_DIGITS = str.maketrans("\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079\u207a\u207b", "0123456789+-")


def clean(text: object) -> str:
    """Valid Unicode (lone surrogates replaced), NFKC, plain quotes and dashes, no control characters,
    at most ``MAX_CHARS`` characters."""
    s = str(text if text is not None else "")[: MAX_CHARS * 2]
    s = s.encode("utf-8", "replace").decode("utf-8", "replace")  # lone surrogates become "?"
    s = _SUPERSCRIPT.sub(lambda m: "^" + m.group(0).translate(_SUPER_DIGITS), s)  # "10³" is 10^3, not 103
    s = unicodedata.normalize("NFKC", s).translate(_DASHES)
    s = _CONTROL.sub(" ", s).replace("\r\n", "\n").replace("\r", "\n")
    return s[:MAX_CHARS]


# ------------------------------------------------------------------------------------------ noise
# A line is pasted machine text (code, logs, stack traces, shell, JSON, SQL) when it starts like one or is
# dense with code punctuation. Such lines are blanked so that no figure inside them becomes a fact.
_CODE_LINE = (  # a line that starts the way code or a shell command does, in the shape of code, not of a sentence
    r"export \w+=|import [\w.]+(?: as \w+)?\s*$|from [\w.]+ import |def \w+\s?\(|class \w+\s?[(:]|"
    r"return\s[^\n]{0,200}[;)]\s*$|for \w+(?:, ?\w+)* in [^\n]{1,200}:\s*$|(?:while|if|elif) [^\n]{1,200}:\s*$|"
    r"else:\s*$|try:\s*$|except\b[^\n]{0,100}:\s*$|(?:const|let|var) [\w$]+\s?=|function\s?[\w$]*\s?\(|"
    r"select [^\n]{1,300}\bfrom \w|insert into |update \w+ set |delete from |create (?:table|index|view) |curl |"
    r"pip3? install |npm (?:install|run|i)\b|docker(?:-compose)? [a-z]|kubectl [a-z]|"
    r"git (?:commit|push|pull|clone|checkout|add|log|diff|rebase|merge|status)\b|python3? [\w/.-]+\.py|sudo |"
    r"cd [\w/.~-]|ls(?: -\w+)*\s*$")
_NOISE_LINE = re.compile(
    r"^\s*(?:traceback \(most recent call last\)|file \"[^\"\n]{0,300}\", line \d|at [\w$.]{1,200}\([\w$./]{0,200}"
    r"(?::\d+){0,2}\)|at [\w$.<>]{1,200} \([^)\n]{0,300}:\d+(?::\d+)?\)|exception in thread|caused by:|"
    r"\w{1,60}(?:error|exception): |\[?\d{4}-\d\d-\d\d[ t]\d\d:\d\d|"
    r"\[?\d\d:\d\d(?::\d\d)?\]|\[?(?:debug|info|warn|warning|error|fatal|trace)\]?[ :\]]|\$ |>>> |#!|"
    rf"(?:{_CODE_LINE})|[{{\[]\s*\"|\"[\w-]{{1,60}}\"\s*:|<\w{{1,30}}[ >/]|http/\d|http \d{{3}}\b|"
    r"[a-z]{1,30}-[a-z-]{1,40}: \S|[\w-]{1,40}(?:,[\w.-]{0,40}){2,}$|[-*] \[[ x]\] |\|[^\n]{0,400}\||"
    r"\S+ {3,}\S+ {3,}\S|@@ )",
    re.IGNORECASE)
_QUOTE_MARK = re.compile(r"^(\s*)>+ ?", re.MULTILINE)  # "> text": a quoted line is still the user's words
_LINK = re.compile(r"\b(?:https?://|www\.)\S{1,2000}|\b[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}\b",
                   re.IGNORECASE)
_CODE_CHARS = re.compile(r"[{}()\[\];=<>\\|_*/#@$^~`]")
_FENCE = re.compile(r"```[^`]{0,4000}?```|```[^`]{0,4000}$", re.DOTALL)
# Tokens that mix letters and digits in no reading of ours ("7f3a9", "aaaa1111bbbb", "k8s"); units such as
# "2k", "1.5m", "300ms", "10x", "70b" and ordinals are kept.
_MIXED = re.compile(r"(?<![\w.])(?=[\w.-]{0,80}\d)(?=[\w.-]{0,80}[a-z])[\w.-]{2,80}(?![\w.-])", re.IGNORECASE)
_NUM_UNIT = (r"\d+(?:[.,]\d+)*(?:k|m|mm|mn|bn|b|ms|s|sec|secs|x|h|hrs?|min|mins|usd|st|nd|rd|th|pm|am|gb|mb|tb|kb|"
             r"e[+]?\d+)?")
_UNIT_TOKEN = re.compile(rf"[$€£]?{_NUM_UNIT}(?:-[$€£]?{_NUM_UNIT})?|\d+-[a-z]{{1,20}}", re.IGNORECASE)


# Markdown emphasis people type in chat ("our **product docs**", `json`): the words count, the marks do not
# (they would make a plain sentence look like code). Replaced by spaces, so positions stay.
_EMPHASIS = re.compile(r"(?<![\w*_`])(\*\*|__|\*|_|`)(?=\S)([^*_`\n]{1,200}?)(?<=\S)\1(?![\w*_`])")


def _noisy(line: str) -> bool:
    s = line.strip()
    if not s:
        return False
    if _NOISE_LINE.match(s):
        return True
    code = len(_CODE_CHARS.findall(s))
    return len(s) >= 12 and code / len(s) > 0.12 and code >= 4


def blank_noise(text: str) -> tuple[str, bool]:
    """Blank code fences, machine-looking lines and letter-digit tokens; returns (text, whether noise was seen)."""
    seen = False

    def fence(m: re.Match) -> str:
        nonlocal seen
        seen = True
        return " " * len(m.group(0))

    text = _FENCE.sub(fence, text)
    text = _EMPHASIS.sub(lambda m: " " * len(m.group(1)) + m.group(2) + " " * len(m.group(1)), text)
    text = _QUOTE_MARK.sub(lambda m: m.group(1) + " ", text)
    text, links = _LINK.subn(" ", text)  # an address or a link is never an answer
    seen = seen or bool(links)
    lines = text.split("\n")
    in_block = False
    for i, line in enumerate(lines):
        # a noisy line, or an indented line right after one (the rest of a stack trace or code block)
        if _noisy(line) or (in_block and line[:1] in (" ", "\t") and line.strip()):
            lines[i] = ""
            seen = in_block = True
        else:
            in_block = False
    text = "\n".join(lines)

    def mixed(m: re.Match) -> str:
        nonlocal seen
        tok = m.group(0)
        if _UNIT_TOKEN.fullmatch(tok.strip(".-")):
            return tok
        seen = True
        return " "

    return _MIXED.sub(mixed, text), seen


# ------------------------------------------------------------------------------------------ clauses
# "but" stays at the head of the clause it opens: what follows it is what the user settles on ("nonstop, but in
# practice weekly")
_SPLIT = re.compile(r"(?<=[.;!?\n])\s+|\n+|,\s*(?:and|also|though|while)\s+|,\s*(?=but\s)|\s+(?=but\s)|\s*;\s*|"
                    r"\s+-\s+")


def clauses(text: str) -> list[str]:
    """Split a message into clauses (sentences, and parts joined by 'but', ';' or a dash)."""
    text = re.sub(r"[ \t\f\v]+", " ", text)  # one space per run: no pattern below rescans a long run
    return [c.strip() for c in _SPLIT.split(text) if c and c.strip()]


# ------------------------------------------------------------------------------------------ quotes
_TOKEN = re.compile(r"\S+")
_LOOKAHEAD = 12  # message words a quote may skip between two of its own (a blanked name, a rewritten power)
_ANCHORS = 24  # start positions tried for one quote (keeps a quote made of common words linear in the message)


@lru_cache(maxsize=8)
def _tokens(text: str) -> tuple[tuple[str, int, int], ...]:
    out = []
    for m in _TOKEN.finditer(text):
        word = m.group(0)
        parts = word.lower().split() if word.isascii() else clean(word).lower().split()
        for part in parts:  # "—" becomes " - ": each part keeps the word's place
            out.append((part, m.start(), m.end()))
    return tuple(out)


def span_of(message: str, quote: str, limit: int = 200) -> str:
    """The user's own words for ``quote``: the shortest run of ``message`` that holds the quote's words in order,
    with whatever the reading blanked or rewrote between them (a model name, a link, a power) put back. At most
    ``limit`` characters, cut at a word end. When nothing of the quote is found, the message itself."""
    words = quote.lower().split()
    msg = _tokens(message)
    if not words or not msg:
        return message.strip()[:limit].rstrip()
    best: tuple[int, int, int] | None = None  # (matched, start, end)
    anchors = 0
    for first in range(len(words)):
        for i, (tok, _s, _e) in enumerate(msg):
            if tok != words[first] and not (first == len(words) - 1 and tok.startswith(words[first])):
                continue
            anchors += 1
            matched, p, start, end = 1, i + 1, msg[i][1], msg[i][2]
            for n in range(first + 1, len(words)):
                w = words[n]
                for j in range(p, min(len(msg), p + _LOOKAHEAD)):
                    if msg[j][0] == w or (n == len(words) - 1 and msg[j][0].startswith(w)):
                        matched, p, end = matched + 1, j + 1, msg[j][2]
                        break
            if best is None or matched > best[0]:
                best = (matched, start, end)
            if matched == len(words) - first or anchors >= _ANCHORS:
                break
        if best is not None:
            break
    if best is None:
        return message.strip()[:limit].rstrip()
    span = message[best[1]:best[2]]
    if len(span) > limit:
        cut = span.rfind(" ", 0, limit + 1)
        span = span[:cut if cut > 0 else limit]
    return span.strip()
