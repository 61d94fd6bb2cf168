"""The offline reading pipeline: one user message -> facts with quotes, intent, what-ifs, checks and refusals.

    clean -> blank pasted noise -> clauses -> per clause: words to digits, names masked, figures scanned and
    typed by the noun or unit next to them; phrases read with their negation -> message level: need,
    answers relative to the pending question, bare numbers, corrections, what-ifs -> bounds.

A bare number (no noun or unit next to it) fills only the pending topic; a figure next to an unknown noun fills
nothing. Readings that are plausible but not certain go to ``confirm``; vague directional answers go to
``directions``. Values out of bounds are refused with a sentence (``bounds.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..brains.base import Understanding
from . import lexicon as L
from .bounds import check
from .numbers import Quantity, mask_names, read_powers, scan, words_to_digits
from .text import MAX_CHARS, blank_noise, clauses, clean, span_of

SMALL_CORPUS_TOKENS = 5_000  # knowledge under ~5,000 tokens fits in the system prompt
MAX_FIGURES = 16  # a clause with more figures than this is a pasted list or table, not an answer
_FIGURE = re.compile(r"\d+")
MAX_FIGURES_MESSAGE = 100  # no one states their facts with more figures than this in one message
_WITH_DIGIT = re.compile(r"(?<!\S)\S*\d\S*")

# ------------------------------------------------------------------------------------------ nouns
_W = r"(?:[a-z'/-]+\s){0,3}?"  # up to three words between a figure and its noun
_PER = {"second": 2_592_000, "sec": 2_592_000, "minute": 43_200, "min": 43_200, "hour": 720, "hr": 720,
        "day": 30, "business day": 21, "working day": 21, "weekday": 21, "week": 4.3, "month": 1, "mo": 1,
        "quarter": 1 / 3, "year": 1 / 12, "yr": 1 / 12, "daily": 30, "nightly": 30, "weekly": 4.3, "monthly": 1,
        "yearly": 1 / 12, "annually": 1 / 12}
_RATE = re.compile(
    rf"^\s?{_W}(?:a|an|per|each|every|/|a single|in a|in one)\s?(business day|working day|weekday|second|sec|"
    rf"minute|min|hour|hr|day|week|month|mo|quarter|year|yr)s?\b|^\s?{_W}(daily|nightly|weekly|monthly|yearly|"
    rf"annually)\b")
_VOLUME = (r"requests?|reqs?|queries|query|calls?|api calls|messages?|msgs?|conversations?|convos?|chats?|tickets?|"
           r"emails?|mails?|transactions?|questions?|lookups?|searches|invocations?|interactions?|sessions?|"
           r"predictions?|classifications?|completions?|generations?|hits|letters?|invoices?|claims?|orders?|"
           r"reviews?|replies|responses|submissions?|cases|contacts|inquiries|enquiries|runs|jobs|events|"
           r"visits|posts|comments|notes|summaries|reports|forms|applications|calls|lines|alerts|listings|"
           r"essays|documents|docs|pages|records|items|descriptions|drafts|translations|transcripts")
_VOLUME_NOUN = re.compile(rf"^\s?{_W}(?:{_VOLUME})\b")
_EXAMPLE_NOUN = re.compile(
    rf"^\s?{_W}(?:examples?|pairs?|samples?|annotations?|demonstrations?|demos|labels|shots|training (?:data|rows|"
    rf"examples|items)|input[- ]output|q&a pairs|gold|golden)\b")
_EXAMPLE_ADJ = r"(?:labell?ed|annotated|graded|approved|verified|curated|reviewed|corrected|" \
               r"(?:hand|human|expert|teacher|lawyer|agent|analyst|staff)[- ]?(?:labell?ed|written|checked|annotated|" \
               r"curated|made|crafted|picked|reviewed|graded|tagged|verified)|gold|golden|checked|vetted|validated|" \
               r"accepted|rated|scored|tagged|paired|edited)"
_EXAMPLE_AFTER = re.compile(rf"^\s?(?:[a-z'/-]+\s){{0,3}}?{_EXAMPLE_ADJ}\b")
_EXAMPLE_BEFORE = re.compile(
    rf"(?:{_EXAMPLE_ADJ}|examples?|pairs|training (?:set|data)|labell?ed (?:set|data)|dataset)\W{{0,3}}(?:\w+\W+){{0,3}}"
    rf"$")
_LABELLED_BEFORE = re.compile(rf"{_EXAMPLE_ADJ}\W{{1,3}}(?:(?:about|around|roughly|some|maybe|over|nearly|~)\W+)?$")
_CORPUS = {"page": 500, "pages": 500, "doc": 2000, "docs": 2000, "document": 2000, "documents": 2000,
           "article": 1500, "articles": 1500, "file": 2000, "files": 2000, "pdf": 5000, "pdfs": 5000,
           "manual": 30_000, "manuals": 30_000, "entries": 200, "faq": 300, "faqs": 300, "policy": 1000,
           "policies": 1000, "tokens": 1, "words": 1.3, "gb": 250_000_000, "mb": 250_000, "tb": 2.5e11,
           "records": 200, "book": 100_000, "books": 100_000, "paper": 8000, "papers": 8000, "contracts": 5000,
           "filings": 10_000, "products": 300, "skus": 100, "items": 200, "wiki pages": 800, "kb articles": 1500,
           "guides": 3000, "sops": 2000, "runbooks": 2000, "clauses": 300, "chapters": 5000, "slides": 100,
           "spreadsheets": 3000, "sheets": 3000, "notes": 500, "transcripts": 5000, "reports": 4000}
_CORPUS_NOUN = re.compile(r"^\s?-?(?:[a-z'/-]+\s){0,3}?(" + "|".join(sorted(_CORPUS, key=len, reverse=True)) + r")\b")
_IGNORE_NOUN = re.compile(
    r"^\s?-?(?:[a-z'/-]+\s){0,2}?(?:people|persons?|person|engineers?|devs?|developers?|agents?|users?|customers?|"
    r"employees?|staff|analysts?|reps?|members?|seats?|lawyers?|nurses?|doctors?|clinicians?|teams?|humans?|"
    r"annotators?|labell?ers?|reviewers?|moderators?|students?|patients?|clients?|stores?|branches?|offices?|"
    r"contractors?|freelancers?|workers?|interns?|temps?|folks|supervisors?|managers?|experts?|editors?|writers?|"
    r"tutors?|teachers?|paralegals?|accountants?|technicians?|techs?|operators?|drivers?|"
    r""
    r"regions?|countries?|languages?|locales?|markets?|classes|categories|intents?|queues?|buckets|fields?|columns?|"
    r"tables?|steps?|models?|prompts?|tools?|versions?|topics?|apis?|services?|servers?|gpus?|replicas?|shards?|"
    r"epochs?|retries|turns?|tenants?|departments?|brands?|products? lines?|sites?|apps?|channels?|partners?|"
    r"vendors?|options?|strategies|layers?|rules?|templates?|schemas?|types?|kinds?|sources?|databases?|systems?|"
    r"times?|x\b|changes?|updates?|edits?|releases?|cases?|tests?|questions? in (?:the|our) (?:test|eval)|chars?|characters?|lines?|digits?|"
    r"points?|stars?|levels?|tiers?|slots?|cores?|nodes?|instances?)\b")
_DURATION = re.compile(r"^\s?-?(?:days?|weeks?|months?|years?|quarters?|hours?|hrs?|sprints?|minutes?|mins?|"
                       r"decades?)\b")
_EACH_BEFORE = re.compile(r"\beach\b|\bper (?:person|agent|user|employee|head|rep|analyst)\b|\bapiece\b|"
                          r"\bevery (?:agent|user|person|rep)\b")
_IGNORE_FIRST = re.compile(r"^\s?-?(?:people|persons?|person|engineers?|agents?|users?|customers?|employees?|staff|"
                           r"analysts?|members?|teams?|classes|categories|intents?|queues?|languages?|fields?|"
                           r"models?|prompts?|times?|changes?|cases?|tests?|columns?|labels|tags|steps?|"
                           r"languages?|regions?|queues?|buckets|tools?)\b")
_TEST_BEFORE = re.compile(r"(?:test|eval|evaluation|benchmark|validation|held[- ]out|dev) ?(?:set|suite|harness|"
                          r"sets)?\W{0,3}(?:of|has|with|contains|is|at)?\W{0,3}(?:about|around|roughly|~)?\s?$")
_PEOPLE_BEFORE = re.compile(r"(?:team|staff|group|squad|headcount|crew|department|org) (?:of|is|has)\s(?:about |"
                            r"around |roughly )?$")
_MS = re.compile(r"^\s?(?:ms|msec|msecs|millis|milliseconds?)\b")
_SEC = re.compile(r"^\s?(?:s|sec|secs|seconds?)\b")
_MIN = re.compile(r"^\s?(?:min|mins|minutes?)\b")
_LATENCY_CUE = re.compile(r"latenc|respon[sd]|answer|repl|come back|back in|turnaround|wait|within|under|"
                          r"p9\d|sla|to load|round[- ]trip|time to first|ttft")
_TARGET = re.compile(r"(?:under|below|within|less than|at most|max(?:imum)?|need|must|budget|target|sla|has to|"
                     r"have to|should|tight|no more than|tops|up to|fine|ok|okay|acceptable)\W{1,3}(?:\w+\W+){0,2}$")
_FILLER = re.compile(r"^\s?(?:or so|or more|or less|give or take|tops|max|at most|ish|-ish|maybe|roughly|i think|i guess|"
                     r"so far|now|today|right now|total|in total|altogether|overall|currently|at the moment|or fewer|"
                     r"plus|\+|tbh|honestly|i'd say|i would say|approx|approximately|at least|minimum|min|already|"
                     r"of them|at best|not \d)?(?:\W|$)")
_UNDER = re.compile(r"(?:under|below|less than|fewer than|not even|<)\s?$")
_NOT_NUM = re.compile(r"(?:not|n't|instead of|rather than|from)\s(?:the\s)?$|(?:n't|not|never) (?:have|got|need|"
                      r"want) (?:the |a )?(?:\w+ )?$")
_ONE_OFF = re.compile(r"\b(?:spent|paid|spend on label\w*|one[- ]off|once|set ?up|upfront|up front|in total|so far|"
                      r"project|training run|to train|to label|per (?:request|call|query|message|ticket|user|seat|"
                      r"token|1k|1000|thousand|million)|a (?:request|call|query|message|ticket))\b")
_MONEY_BEFORE = re.compile(r"(?:budget|spend|spending|afford|cap|capped|bill|cost|costs|pay|paying)\W{1,3}"
                           r"(?:\w+\W+){0,3}$")
_VOLUME_VERB = re.compile(r"\b(?:process|handle|receive|get|see|serve|generate|run|field|ingest|answer|send|"
                          r"classify|route|tag|summari[sz]e|review|produce|write)\w{0,3}\s(?:about |around |roughly |"
                          r"maybe |~|some |over |nearly )?$")
_MONEY_TARGET = re.compile(r"(?:under|below|at most|max(?:imum)?|cap(?:ped)? at|capped (?:us|it|spend|the \w+) at|limit(?:ed)? to|no more than|"
                           r"budget(?: is| of)?|afford|target|down to|get it to|bring it to)\W{1,3}(?:\w+\W+){0,2}$")
_MONEY_NOW_BEFORE = re.compile(r"\b(?:run|running|pay|paying|spend|spending|costs?|bill|at)\s(?:us\s)?(?:right\s)?"
                               r"(?:now\s|today\s|currently\s|at the moment\s)?(?:is\s|are\s|comes to\s)?(?:already\s)?"
                               r"(?:about\s|around\s|roughly\s|~\s?|over\s)*$")
_MONEY_AFTER = re.compile(r"^\s?(?:(?:a|per|/|each)\s?(?:month|mo)\s)?(?:max\s|tops\s|at most\s)?(?:for|on)\s(?:the\s)?"
                          r"(?:inference|compute|api|apis|api calls|tokens|hosting|gpus?|llm|llms|model|openai|claude|cloud)"
                          r"\b|^\s?/\s?(?:month|mo)\s(?:max\s)?(?:for|on)\s(?:the\s)?(?:inference|compute|api|tokens|hosting)")
_MONEY_NOW = re.compile(r"\b(?:current(?:ly)?|run[- ]rate|right now|today|now|costs? us|we pay|we spend|we're paying|"
                        r"we are paying|spending|would (?:be|cost)|will cost|at (?:\w+ )?prices)\b")
_MONEY_CONTEXT = re.compile(r"\$|\bgrand\b|\bdollars?\b|\busd\b|\bbucks\b|\bbudget\b|\bspend|\bcost|\bprice|"
                            r"\bbill\b|\bfinance\b")
_RELATIVE_MONEY = re.compile(r"\b(?:a|one) (tenth|fifth|quarter|third|half) of (?:that|it|this|the current|what we pay)")
_SCALE_AFTER = re.compile(r"^\s?(?:x|times)\b\s?(?:the\s|our\s|more\s)?(?:current\s)?(\w+)")


_CONFIRMED = re.compile(r"^\s?(?:[a-z]+\s)?(?:is|are|was|stays|stands|remains) (?:right|correct|accurate|unchanged|the "
                        r"same|still right|still correct)\b")
_LABOUR = re.compile(r"\b(?:pay|pays|paying|paid)\s(?:our|the|their|\d+|a)?\s?(?:\w+\s)?(?:contractors?|staff|"
                     r"people|agents|humans|freelancers|annotators|team|employees|reps|workers|interns|temps)\b|"
                     r"\bsalar(?:y|ies)\b|\bwages?\b|\bpayroll\b")
_PER_ITEM = re.compile(r"\b(?:each|per|every|one|a single|the average|an average|avg|average)\s(?:[a-z'-]+\s){0,2}?"
                       r"(?:is|are|has|runs|takes|uses|of)?\s?(?:about|around|roughly|~|maybe|like)?\s?$")
_SIZE_UNIT = re.compile(r"^\s?(?:tokens|words|characters|chars|pages|kb|mb)\b")
_SIZE_PER_ITEM = re.compile(r"^\s?(?:tokens|words|characters|chars)\s(?:per|each|a|an|for each|in each|every)\s"
                            r"(?:request|call|query|response|answer|message|prompt|ticket|reply|completion|turn|email)")
_FEW_SHOT = re.compile(r"(?:in (?:the|our|each|a) (?:system )?prompt|few[- ]shot|shots?)\W{0,3}(?:[\w']+\W+){0,3}$")
_FEW_SHOT_AFTER = re.compile(r"^\s?(?:[a-z'-]+\s){0,2}?(?:examples?|shots?|demos?) in (?:the|our|each|a) (?:system )?prompt|"
                             r"^\s?(?:few[- ]shot|shots?)\b|^\s?(?:in-context|in context) examples?")
_OF_THEM = re.compile(r"^\s?of (?:them|those|these)\b")
_LAST_NOUN = re.compile(r"\b(" + "|".join(sorted(_CORPUS, key=len, reverse=True)) + r"|examples|pairs|requests|"
                        r"tickets|queries|messages|calls)\b(?!.*\b(?:" + "|".join(sorted(_CORPUS, key=len, reverse=True))
                        + r"|examples|pairs|requests|tickets|queries|messages|calls)\b)")
_TOKEN_UNITS = ("tokens", "words")
_WEAK_CORPUS = ("products", "skus", "items", "records", "entries", "notes", "clauses", "slides", "sheets")
_PART_END = re.compile(r"\band\b|\bbut\b|[,;:]")
_EACH_AFTER = re.compile(r"^\s?(?:each|apiece|per (?:person|head|user|agent|lawyer|rep))\b")
_HEADS = re.compile(r"(?<![\d.,])(\d{1,6})\s(?:[a-z'-]+\s)?(?:people|persons|users|lawyers|agents|employees|staff|"
                    r"analysts|reps|engineers|doctors|nurses|clinicians|students|customers|members|advisers|advisors|"
                    r"consultants|managers|teachers|technicians|techs|sellers|salespeople|brokers|planners|writers)\b")
_ASKING = re.compile(r"\b(?:asks?|asking|sends?|sending|submits?|makes?|runs?|uses?|queries|query|types?|hits?|"
                     r"opens?|starts?|fires? off|raises?|files?|generates?)\s(?:[a-z'-]+\s){0,3}?$")
_VOLUME_CUE = re.compile(r"traffic|volume|load|usage|throughput|scale|what if|grow|"
                         r"suppose|imagine")


@lru_cache(maxsize=256)
def _has(pattern: re.Pattern, t: str) -> bool:
    """Whole-clause cues, looked up once per clause rather than once per figure (keeps typing linear)."""
    return pattern.search(t) is not None


@dataclass
class Typed:
    q: Quantity
    kind: str  # latency | volume | volume? | examples | corpus | money | bare | scale | ignore
    value: float = 0.0
    unit: str = ""
    target: bool = False
    negated: bool = False
    field_hint: str = ""


def _type(q: Quantity, t: str, pending: str | None, recent: list[str], money_msg: bool = False) -> Typed:
    after = t[q.end:q.end + 60]
    before = t[max(0, q.start - 48):q.start]
    value = q.value if q.value is not None else 0.0
    negated = bool(_NOT_NUM.search(before[-14:]))
    k = Typed(q, "ignore", value, negated=negated)
    if _CONFIRMED.match(after):
        return k  # "the 500 ms is right": a figure the user confirms, not a new one
    if m := _SCALE_AFTER.match(after):
        k.kind, k.unit = "scale", m.group(1)
        return k
    if _MS.match(after):
        k.kind, k.target = "latency", bool(_TARGET.search(before))
        return k
    if _SEC.match(after) and not _RATE.match(after[after.find(" ", 2):] if " " in after[2:] else ""):
        k.kind, k.value, k.target = "latency", value * 1000, bool(_TARGET.search(before))
        return k
    if _MIN.match(after) and _has(_LATENCY_CUE, t):
        k.kind, k.value, k.target = "latency", value * 60_000, bool(_TARGET.search(before))
        return k
    if _LABOUR.search(t[max(0, q.start - 50):q.end + 40]):
        return k  # "we pay our 3 contractors 6k/month": people's pay is neither a budget nor a count of requests
    if _PER_ITEM.search(before) and _SIZE_UNIT.match(after) or _SIZE_PER_ITEM.match(after):
        return k  # "each response is about 500 tokens": the size of one item, not of the knowledge
    if _FEW_SHOT.search(before) or _FEW_SHOT_AFTER.match(after):
        return k  # "three examples in the prompt": few-shot examples are not a labelled set
    if q.money or _MONEY_BEFORE.search(before) and not _IGNORE_NOUN.match(after) and not _CORPUS_NOUN.match(after) \
            and not _VOLUME_NOUN.match(after) and not _EXAMPLE_NOUN.match(after):
        if _ONE_OFF.search(t[max(0, q.start - 40):q.end + 40]):
            return k
        rate = _RATE.match(after)
        k.kind, k.value = "money", value * (_PER.get(_rate_unit(rate), 1) if rate else 1)
        k.target = bool(_MONEY_TARGET.search(before))
        k.field_hint = "current" if _MONEY_NOW.search(t[max(0, q.start - 40):q.end + 30]) and not k.target else ""
        return k
    if ((money_msg or _has(_MONEY_CONTEXT, t)) and _MONEY_NOW_BEFORE.search(before) or _MONEY_AFTER.match(after)) and \
            not _VOLUME_NOUN.match(after) and not _CORPUS_NOUN.match(after) and not _EXAMPLE_NOUN.match(after) \
            and not _MS.match(after) and not _SEC.match(after):
        rate = _RATE.match(after)  # "what we run now is already ~4k", "2k/month max for inference"
        k.kind, k.value = "money", value * (_PER.get(_rate_unit(rate), 1) if rate else 1)
        k.target = bool(_MONEY_AFTER.match(after)) or bool(_MONEY_TARGET.search(before))
        k.field_hint = "" if k.target else "current"
        return k
    if _has(_MONEY_CONTEXT, t) and _MONEY_TARGET.search(before) and not _VOLUME_NOUN.match(after) and \
            not _CORPUS_NOUN.match(after) and not _EXAMPLE_NOUN.match(after) and not _MS.match(after) \
            and not _SEC.match(after):
        k.kind, k.target = "money", True  # "$50k today, finance said max 8k": the cap is money too
        return k
    if _PEOPLE_BEFORE.search(before) or _TEST_BEFORE.search(before) or _DURATION.match(after):
        return k
    rate = _RATE.match(after)
    if _OF_THEM.match(after):  # "about 600 of them": the noun was named before the figure
        noun = _LAST_NOUN.search(t[max(0, q.start - 80):q.start])
        after = " " + noun.group(1) + after[len(_OF_THEM.match(after).group(0)):] if noun else after
    volume = _VOLUME_NOUN.match(after)
    corpus = _CORPUS_NOUN.match(after)
    ignore = _IGNORE_NOUN.match(after)
    example = _EXAMPLE_NOUN.match(after) or _EXAMPLE_AFTER.match(after) or _LABELLED_BEFORE.search(before) or (
        _EXAMPLE_BEFORE.search(before) and not (volume or corpus or ignore))  # else the noun after the figure wins
    if _IGNORE_FIRST.match(after) and pending != "examples" and not _RATE.match(after) and not (
            _EXAMPLE_AFTER.match(after) or _EXAMPLE_BEFORE.search(before)):
        return k  # "25 fields from KYC documents": the noun right after the figure is what it counts
    if pending == "examples" and not rate and not example and (volume or corpus) and not _IGNORE_FIRST.match(after):
        example = forced = True  # a count given in answer to the examples question counts examples ("1,200 notes")
    else:
        forced = False
    if example and not forced and value < 100 and pending != "examples" and re.match(
            r"^\s?(?:[a-z'/-]+\s){0,2}?labels\b", after) and not _EXAMPLE_AFTER.match(after):
        return k  # "30 risk labels": the label set, not labelled examples
    steady = rate and pending == "examples" and (_EXAMPLE_NOUN.match(after) or _EXAMPLE_AFTER.match(after))
    if example and (not rate or steady) and (forced or not (ignore and not _EXAMPLE_AFTER.match(after) and
                                                            not _EXAMPLE_NOUN.match(after))):
        k.kind = "examples"
        k.field_hint = "forced" if forced else ""
        if pending == "examples" and _UNDER.search(before):
            k.value = value / 2  # "under 100": call it 50
        return k
    if corpus and not rate and not (volume and volume.end() < corpus.end()) and (corpus.group(1) in _TOKEN_UNITS or not
                                                                             re.search(r"prompt|instruction|context window",
                                                                                       t[max(0, q.start - 30):q.end + 40])):
        if value < 10 and pending != "corpus" and not re.search(
                r"(?:have|has|got|our|across|over|from|in|of|with|is|are|just|only|about|around)\W{1,3}(?:\w+\W+){0,2}$",
                before):
            return k  # "needs two documents": a small count in passing is not the size of the knowledge
        if corpus.group(1) in _WEAK_CORPUS and pending != "corpus":
            return k  # "the specs of our 400 products": a count of things, a size only when asked for one
        k.kind, k.unit = "corpus", corpus.group(1)
        return k
    if ignore and not volume:
        return k
    if volume or rate:
        if rate:
            near = _PART_END.split(before)[-1]  # "each response is 500 tokens and we do 20k a day": another part
            if _EACH_BEFORE.search(near) or _EACH_AFTER.match(after[rate.end():]):
                heads = _HEADS.search(t[:q.start])
                if volume and heads and _ASKING.search(before):  # "40 lawyers, each asks maybe 10 questions a day"
                    k.kind = "volume"
                    k.value = float(heads.group(1).replace(",", "")) * value * _PER.get(_rate_unit(rate), 1)
                return k  # "each agent handles 40 chats a day": a per-person rate, not the total
            k.kind, k.value = "volume", value * _PER.get(_rate_unit(rate), 1)
            if not volume and not _VOLUME_VERB.search(before) and pending != "budget" and (
                    pending is not None or ("volume_month" not in recent and not _has(_VOLUME_CUE, t)
                                            and not (k.value >= 1000 and _rate_unit(rate) in ("month", "mo")))):
                k.kind = "ignore"  # a rate with no noun fills the volume only under the budget question
            return k
        k.kind = "volume" if pending == "budget" else "volume?"
        return k
    if _FILLER.match(after):
        k.kind = "bare"
        if _UNDER.search(before):
            k.value = value / 2
        return k
    return k


def _rate_unit(m: re.Match | None) -> str:
    if not m:
        return "month"
    return next((g for g in m.groups() if g), "month")


# ------------------------------------------------------------------------------------------ result
@dataclass
class Reading(Understanding):
    """The contract every brain fills (``Understanding``), plus what the reader keeps for itself."""

    corpus_counted: bool = False  # the knowledge size came from a count (words can still say it fits a prompt)
    examples_weak: bool = False  # examples came from a bare figure or another noun, not from a labelled noun

    def set(self, name: str, value: Any, quote: str) -> None:
        self.facts[name] = (value, quote.strip()[:200])

    def ask(self, name: str, value: Any, quote: str) -> None:
        self.confirm[name] = (value, quote.strip()[:200])


@dataclass
class Clause:
    quote: str  # the user's words (noise blanked)
    text: str  # lower case, numbers as digits, names masked
    typed: list[Typed]


_NUMERIC = ("examples", "volume_month", "budget_usd", "latency_ms")


_SHORTHAND_WORDS = {"wk": "week", "wks": "week", "mth": "month", "mths": "month", "mnth": "month", "mnths": "month",
                    "yr": "year", "yrs": "year", "dayly": "daily", "daly": "daily", "daiy": "daily", "weekely": "weekly",
                    "weeky": "weekly", "monthy": "monthly", "montly": "monthly", "u": "you", "pls": "please",
                    "plz": "please", "qs": "questions", "w/o": "without", "b/c": "because", "cuz": "because",
                    # contractions typed without their apostrophe ("cost isnt a huge deal"); none is an English word
                    "isnt": "isn't", "arent": "aren't", "wasnt": "wasn't", "werent": "weren't", "doesnt": "doesn't",
                    "dont": "don't", "didnt": "didn't", "cant": "can't", "wont": "won't", "havent": "haven't",
                    "hasnt": "hasn't", "hadnt": "hadn't", "wouldnt": "wouldn't", "shouldnt": "shouldn't",
                    "couldnt": "couldn't", "mustnt": "mustn't", "neednt": "needn't", "thats": "that's",
                    "theyre": "they're", "weve": "we've", "ive": "i've", "youre": "you're"}
_SHORTHAND = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in sorted(_SHORTHAND_WORDS, key=len, reverse=True))
                        + r")(?![\w/])|\br(?= (?:impatient|fine|ok|okay|happy|busy))|\bw/(?=\s|\w)")


def _shorthand(m: re.Match) -> str:
    w = m.group(0)
    return "are" if w == "r" else "with " if w == "w/" else _SHORTHAND_WORDS[w]


def _prepare(quote: str) -> str:
    t = quote.lower()
    t = _SHORTHAND.sub(_shorthand, t)  # typed shorthand and common misspellings, as a reader would take them
    t = re.sub(r"(?<=[a-z])/(?=[a-z])", " per ", t)
    # "(-2) million": the brackets hold the figure, they do not end it
    t = _PAREN_NUMBER.sub(lambda m: " " + m.group(1) + (" " if t[m.end():m.end() + 1].isalnum() else ""), t)
    t = words_to_digits(t)
    t = _RATIO.sub(" ratio ", t)  # "one time in five", "3 out of 10": a rate of errors, not a count
    return " ".join(mask_names(t).split())


# Parts of a message that are not about this product as it is: another party's setup, an example of what users
# might ask, a plan for later, a worry. Another party and an example give no fact at all; a plan or a worry gives
# no fact inferred from word choice (need, task, stage, what goes wrong), though a figure said in it still counts.
_OTHER_PARTY = re.compile(
    r"\b(?:another|the other|a (?:different|separate|sister)|our (?:sister|parent)) (?:team|group|department|dept|"
    r"company|org|organi[sz]ation|product|project|business unit|bot|tool|app|customer)s?\b|\bcompetitors?\b|"
    r"\brivals?\b|\b\w+ team'?s (?:rag|bot|model|system|tool|setup|pipeline|search|assistant|prototype|classifier)\b|"
    r"\bthat'?s their\b", re.IGNORECASE)
_EXAMPLE = re.compile(r"\b(?:for example|for instance|e\.g\.|eg\.|e\.g\b)(?=[^.;!?\n]{0,60}\b(?:ask|asks|asking|asked|"
                      r"type|types|typing|say|says|write|writes|wants? to know|might|could|would)\b)", re.IGNORECASE)
_ASIDE = re.compile(
    r"\b(?:eventually|someday|some day|one day|down the (?:road|line)|in the future|long[- ]term|next year|later on|"
    r"in (?:a )?(?:phase|v) ?(?:2|two)|worr(?:y|ied|ies|ying)|afraid|scared|nervous|fear(?:s|ful)?|"
    r"(?:might|may|could|will|'ll|want to|plan to|planning to|hope to|would like to|thinking (?:about|of)|considering)"
    r" (?:\w+ ){0,2}?(?:add|adding|expand|expanding|extend|extending|use it for|using it for|support|supporting))\b")
_ASIDE_RE = re.compile(_ASIDE.pattern, re.IGNORECASE)
_PART_END_RE = re.compile(r"[,;.!?\n]|\s(?:but|while|whereas|though|although)\s", re.IGNORECASE)
_WORD_CHOICE = ("need", "goal", "stage", "ceiling")


_SENTENCE_END_RE = re.compile(r"[;.!?\n]")


def _blank_spans(body: str, pattern: re.Pattern, whole_part: bool = False, ends: re.Pattern = _PART_END_RE) -> str:
    """Blank each match of ``pattern`` to the end of its clause part (from the part's start when ``whole_part``),
    keeping every position, so a quote can still be found in the message."""
    for m in list(pattern.finditer(body)):
        start = m.start()
        if whole_part:
            start = max((e.end() for e in _PART_END_RE.finditer(body, 0, m.start())), default=0)
        end = ends.search(body, m.end())
        stop = end.start() if end else len(body)
        body = body[:start] + re.sub(r"\S", " ", body[start:stop]) + body[stop:]
    return body


REREAD_CHARS = 1500  # a longer message (a paste) is not read twice: its guesses quoted from asides are dropped


def _drop_aside_guesses(r: Reading, body: str, pending: str | None, profile: Any, recent: list[str]) -> None:
    """Word-choice facts (need, task, stage, what goes wrong) must come from what the message says about the
    product as it is: read again without its plans and worries, and drop those the rest does not give."""
    blanked = _blank_spans(body, _ASIDE_RE)
    if len(body) > REREAD_CHARS:  # linear time on long pastes: judge each guess by where its words are
        for store in (r.facts, r.confirm):
            for name in _WORD_CHOICE:
                quote = store.get(name, (None, ""))[1].strip()
                at = body.find(quote) if quote else -1
                if at >= 0 and not blanked[at:at + len(quote)].strip():
                    del store[name]
                    r.explicit.discard(name)
        return
    plain = read(blanked, pending, profile, recent, asides=False, words_only=True)
    for name in _WORD_CHOICE:
        if name in r.facts and name not in plain.facts:
            del r.facts[name]
            r.explicit.discard(name)
        elif name in r.facts and plain.facts[name][0] != r.facts[name][0]:
            r.facts[name] = plain.facts[name]
        if name in r.confirm and name not in plain.confirm and name not in plain.facts:
            del r.confirm[name]


def read(text: Any, pending: str | None = None, profile: Any = None, recent: list[str] | None = None,
         asides: bool = True, words_only: bool = False) -> Reading:
    """``asides``: False when re-reading a message without its plans and worries (no second re-read);
    ``words_only``: that re-read wants only the facts read from word choice, so figures are not typed."""
    r = Reading()
    recent = list(recent or [])
    raw = clean(text).strip()
    low = raw.lower()
    if not raw:
        r.intent = "empty"
        return r
    if L._DONE.match(low):
        r.intent = "done"
        return r
    if L._GREETING.match(low):
        r.intent = "greeting"
        return r
    body, _noisy = blank_noise(read_powers(raw))
    if len(_FIGURE.findall(body)) > MAX_FIGURES_MESSAGE:  # a dump of numbers: keep the words, drop every figure
        body = _WITH_DIGIT.sub(" ", body)
    body = _REJECTED.sub(lambda m: " " * len(m.group(1)) + m.group(2), body)  # "Tone drifting? No." drops the guess
    body = _MENTION.sub(lambda m: " " * len(m.group(0)), body)  # "'On-prem' is just the name of a tier": a mention
    body = _blank_spans(body, _OTHER_PARTY, whole_part=True)  # "the other team self-hosts": not this product
    if pending != "need":  # under the need question an example of the task is the answer
        body = _blank_spans(body, _EXAMPLE, ends=_SENTENCE_END_RE)  # "for example, someone asks about annual plans": no fact
    body_low = " ".join(body.lower().split())
    r.order = bool(L._ORDER.search(low))
    r.correction = bool(L._CORRECTION.search(body_low)) or bool(
        L._CORRECTION_START.match(body_low) and (pending is None or L._CORRECTION_WORDS.search(body_low))) or bool(
        _CONTRAST.search(body_low) or _STARRED.match(body_low))
    whatif = bool(L._WHATIF.search(body_low)) and not r.correction
    if L._ADOPT.match(body_low):
        r.intent = "adopt"
        return r
    adopt = len(body_low) <= 200 and bool(L._ADOPT_IN.search(body_low)) and not whatif and \
        not body_low.rstrip().endswith("?")  # "we can get 10k pairs after all. lock it in": adopt, with the figure

    prepared: dict[str, str] = {}
    parts = [Clause(c, prepared.setdefault(c, _prepare(c)) if c not in prepared else prepared[c], [])
             for c in clauses(body)]
    money_msg = bool(_MONEY_CONTEXT.search(body_low))  # "cap of $1,500, and what we run now is ~4k": both money
    for c in parts if not words_only else ():
        if len(_FIGURE.findall(c.text)) > MAX_FIGURES:
            continue  # a list, table or paste of figures: no one states a fact that way
        c.typed = [_type(q, c.text, pending, recent, money_msg) for q in scan(c.text)]
    if not words_only:
        _quantities(r, parts, pending, recent, whatif, body_low, profile)
    seen: set[str] = set()
    for c in parts:
        if c.text in seen:
            continue  # a clause said twice says nothing new (pasted twice, or repeated for emphasis)
        seen.add(c.text)
        L.read_clause(r, c.text, c.quote, pending)
    # the whole message, joining words ("and") that the clause split dropped
    norm_all = parts[0].text if len(parts) == 1 and parts[0].quote == body.strip() else _prepare(body)
    L.read_message(r, norm_all, body.strip(), pending)
    _settle_need(r, pending, profile, recent)
    if whatif:
        L.read_scale(r, norm_all, words_to_digits(body.lower()))
        for name in ("need", "goal"):  # word choice inside a hypothetical says nothing about the need
            if name not in r.explicit:
                r.facts.pop(name, None)
    if _ZERO_EXAMPLES.search(norm_all) and (r.facts.get("examples", (None,))[0] is None or r.examples_weak):
        r.set("examples", 0, body.strip())  # "Labelled training data: none" beats few-shot or log counts
        r.directions.pop("examples", None)
    if not r.correction and recent and L._CORRECTION_START.match(body_low) and any(
            n in r.facts and n in recent and n not in _PENDING_FILLS.get(pending or "", ()) for n in r.facts):
        r.correction = True  # "no no, cloud's fine with a DPA" under another question: it corrects the last answer
    if r.correction and recent:
        changed = [n for n in recent if n in r.facts and _profile_value(profile, n) != r.facts[n][0]]
        for name in list(r.facts):  # a correction of the last answer is not also an answer to the question asked
            if name in _PENDING_FILLS.get(pending or "", ()) and name not in recent and name not in r.explicit \
                    and changed:
                del r.facts[name]
    if asides and any(n in r.facts or n in r.confirm for n in _WORD_CHOICE) and _ASIDE.search(body_low):
        _drop_aside_guesses(r, body, pending, profile, recent)
    r.intent = "adopt" if adopt else _intent(r, raw, body_low, whatif)
    for name in list(r.directions):
        if name in r.facts or name in r.confirm:
            del r.directions[name]  # a value said outright beats the direction
    check(r)
    _own_words(r, text if isinstance(text, str) else raw)
    return r


def _own_words(r: Reading, text: str) -> None:
    """Every quote is the user's own words: a run of the message as typed, never our blanked or rewritten copy."""
    message = text[:MAX_CHARS * 2].encode("utf-8", "replace").decode("utf-8", "replace")
    for store in (r.facts, r.confirm):
        for name, (value, quote) in list(store.items()):
            store[name] = (value, span_of(message, quote))


_SETUP_CEILINGS = ("retrieval", "vendor", "cost")


def _settle_need(r: Reading, pending: str | None, profile: Any, recent: list[str]) -> None:
    """A need read from word choice in a message about what goes wrong with the current setup (a retrieval step
    that fails on hard questions, a vendor's model change, a bill) is a guess: the message speaks of the setup, not
    of the task. It is asked as a check, never recorded; a need the interview already holds is not guessed again."""
    if "need" not in r.facts or "need" in r.explicit:
        return
    if r.facts.get("ceiling", ("",))[0] not in _SETUP_CEILINGS or r.correction and "need" in recent:
        return
    value, quote = r.facts.pop("need")
    if _profile_value(profile, "need") is None:
        r.ask("need", value, quote)


def _intent(r: Reading, raw: str, low: str, whatif: bool) -> str:
    if whatif and (r.facts or r.scale):
        return "whatif"
    if not r.facts and not r.confirm and L._QUESTION_CUE.search(low):
        return "question"  # "tl;dr", "bottom line?", "explain it simply": the summary, as an answer
    if not r.facts and not r.confirm:
        if L._UNSURE.search(low):
            return "unsure"
        if raw.endswith("?") or L._QUESTION_START.match(low):
            return "question"
    elif raw.endswith("?") and L._QUESTION_START.match(low):
        return "question"  # a question that mentions facts in passing still wants an answer
    return "answer"


def _quantities(r: Reading, parts: list[Clause], pending: str | None, recent: list[str], whatif: bool,
                low: str, profile: Any = None) -> None:
    latency: list[tuple[Typed, str]] = []
    bare: list[tuple[Typed, str]] = []
    money: list[tuple[Typed, str]] = []
    for c in parts:
        kinds = [k for k in c.typed if k.kind != "ignore"]
        # "2,000 examples, not 200": the negated figure goes when another of its kind remains
        keep = [k for k in kinds if not k.negated or k.kind == "bare"]  # "we don't have 300 docs": not a size
        for k in keep:
            if k.q.refused or k.q.value is None:
                field_name = {"latency": "latency_ms", "volume": "volume_month", "volume?": "volume_month",
                              "examples": "examples", "money": "budget_usd", "corpus": "corpus_tokens",
                              "bare": _bare_field(pending, recent)}.get(k.kind)
                r.refused.append(_refusal(field_name, k.q))
                continue
            if k.kind in ("volume", "volume?", "examples", "money", "bare") and 0 < k.q.value < 1:
                r.refused.append(f"{k.q.text} doesn't work as a count, so I didn't record it.")
                continue  # "0.999 requests a day" is no way to count anything (a fraction of one is no count)
            if k.kind == "latency":
                latency.append((k, c.quote))
            elif k.kind == "volume" and "volume_month" not in r.facts:
                r.set("volume_month", k.value, c.quote)
                r.explicit.add("volume_month")
            elif k.kind == "volume?" and "volume_month" not in r.facts:
                r.ask("volume_month", k.value, c.quote)
            elif k.kind == "examples" and "examples" not in r.facts:
                r.set("examples", k.value, c.quote)
                r.explicit.add("examples")
                r.examples_weak = k.field_hint == "forced"
            elif k.kind == "money":
                money.append((k, c.quote))
            elif k.kind == "corpus" and "corpus" not in r.facts and 0 < k.value < 1:
                r.refused.append(f"{k.q.text} doesn't work as a knowledge size, so I didn't record it.")
            elif k.kind == "corpus" and "corpus" not in r.facts:
                tokens = k.value * _CORPUS.get(k.unit, 2000)
                if k.unit in _TOKEN_UNITS:  # a size in tokens or words is a figure; from a count it is only a guess
                    r.set("corpus_tokens", tokens, c.quote)
                r.set("corpus", "small" if tokens <= SMALL_CORPUS_TOKENS else "large", c.quote)
                r.explicit.add("corpus")
                r.corpus_counted = True
            elif k.kind == "bare":
                bare.append((k, c.quote))
            elif k.kind == "scale" and whatif:
                L.scale_from_noun(r, k.unit, k.value)
    if latency:
        k, quote = next((x for x in latency if x[0].target), latency[0])
        r.set("latency_ms", k.value, quote)
    if money:
        _money(r, money, low)
    said_against = [k for k, _ in bare if k.negated]
    if any(not k.negated for k, _ in bare):
        bare = [b for b in bare if not b[0].negated]  # "no, 200k. not 20k": the figure said against goes
    known = _known_numbers(profile, recent)
    if bare and known and len(bare) == 1:
        # "5000, not 500" when the last answer recorded $500: the figure said against names the fact to correct
        target = next((n for k in said_against for n, v in known.items() if _close(k.value, v)), None)
        if target is None and len(known) == 1 and (_STARRED.match(low) or pending not in ("examples", "corpus",
                                                                                           "budget") and _LONE_FIGURE.match(low)):
            target = next(iter(known))  # "1.2M" under another question: it corrects the figure just recorded
        if target and target not in r.facts:
            r.set(target, bare[0][0].value, bare[0][1])
            r.correction = True
            return
    per = _PER_CORRECTION.search(low)
    if per and known.get("volume_month") and "volume_month" not in r.facts and not bare:
        r.set("volume_month", known["volume_month"] * _PER.get(per.group(1), 1), low)  # "oops, that was per day"
        r.correction = True
        return
    named = _named_field(low) if r.correction else None
    if named and bare:
        k, quote = next((b for b in bare if not b[0].negated), bare[0])
        if named not in r.facts:
            r.set(named, k.value, quote)
        return
    if len(bare) == 1:
        k, quote = bare[0]
        name = _bare_field(pending, recent)
        numbers_known = any(n in r.facts for n in _NUMERIC) or "corpus" in r.facts
        if name == "examples" and not numbers_known:
            r.set("examples", k.value, quote)
            r.examples_weak = True
        elif name == "corpus" and not numbers_known:
            tokens = k.value * 2000  # a bare count under the knowledge question: documents
            r.set("corpus", "small" if tokens <= SMALL_CORPUS_TOKENS else "large", quote)
            r.explicit.add("corpus")
            r.corpus_counted = True
        elif name == "budget" and not numbers_known:
            r.ask("volume_month", k.value, quote)
        elif name in ("volume_month", "examples_recent", "budget_usd") and not numbers_known:
            real = "examples" if name == "examples_recent" else name
            r.set(real, k.value, quote)
            r.correction = True
        elif name == "guess" and not numbers_known and (r.correction or L._CORRECTION_START.match(low)):
            r.correction = True
            r.ask("volume_month" if k.value >= 10_000 else "examples", k.value, quote)


_REJECTED = re.compile(r"(?:^|(?<=[.!;\n]))([^.?!;\n]{1,80}\?)(\s*(?:no|nope|nah|not really|not at all)\b)",
                       re.IGNORECASE)
_MENTION = re.compile(r"(['\"])[^'\"\n]{1,40}\1\s(?:is|was|are)\s(?:just\s|only\s|simply\s)?(?:the\s|a\s|our\s)?"
                      r"(?:name|label|term|word|codename|title)\b", re.IGNORECASE)
_ZERO_EXAMPLES = re.compile(
    r"\b(?:labell?ed|training|annotated|tagged)(?: \w+)?\W{1,3}(?:none|zero|0|nothing|no)\b(?! (?:idea|clue))|"
    r"\b(?:nobody|no one|no-one)(?:'s| has| have)? (?:\w+ )?(?:tagged|labell?ed|annotated) (?:them|it|any|a single)|"
    r"\b(?:don'?t|do not|doesn'?t) have any (?:training|labell?ed|annotated) (?:data|examples|pairs|set)|"
    r"\b(?:haven'?t|have not|never) (?:\w+ )?(?:labell?ed|tagged|annotated) (?:anything|a single|any)|"
    r"\bnot (?:a single|one) (?:labell?ed|annotated|training) ")
_NEED_FOCUS = re.compile(r"\b(?:bot|it|model|assistant|tool|system|llm|thing)\s(?:only|just|mainly|mostly|simply|"
                         r"primarily)\s")
_LONE_FIGURE = re.compile(r"^\W*(?:(?:no|nope|sorry|oops|i meant|actually|make (?:that|it)|it'?s|more like|wait)\W+)*"
                          r"~?\$?\d[\d.,]*\s?(?:k|m|mm|mn|bn|million|thousand|grand)?\W*(?:actually|sorry|then|instead|"
                          r"not \$?\d[\d.,]*\s?(?:k|m|mm|bn)?)?\W*$")
_PAREN_NUMBER = re.compile(r"\((-?\$?\d[\d.,]*\s?(?:k|m|mm|bn)?)\)")
_RATIO = re.compile(r"\b\d+ (?:times? )?(?:in|out of) (?:every )?\d+\b(?! (?:ms|secs?|seconds?|minutes?|mins?|hours?|days?|"
                    r"weeks?|months?|years?))")
_PENDING_FILLS = {"need": ("need", "goal"), "freshness": ("freshness",), "budget": ("latency_ms", "volume_month",
                  "cost_sensitivity", "budget_usd"), "examples": ("examples",), "corpus": ("corpus", "corpus_tokens"),
                  "citations": ("citations", "permissions"), "privacy": ("privacy",)}
_CONTRAST = re.compile(r"(?<![\d.,])\d[\d.,]*\s?(?:k|m|mm|bn|ms|s|secs?|seconds|%|grand)?\s?(?:[a-z]+\s)?,?\s?(?:not|rather than|"
                       r"instead of)\s\$?\d")  # "200k, not 20k": a figure set against another corrects it
_STARRED = re.compile(r"^\W*\$?\d[\d.,]*\s?(?:k|m|mm|bn|ms|s)?\s?\*\W*$")  # "40k*": the chat way to correct a typo
_PER_CORRECTION = re.compile(r"\b(?:that|it|those|this) (?:was|is|were|'s|'re) (?:a |per |each |every )"
                             r"(day|week|hour|year|minute)\b|\bi meant (?:a|per) (day|week|hour|year)\b")


def _profile_value(profile: Any, name: str) -> Any:
    """What the interview holds for ``name`` (None when unknown or when the profile has another shape)."""
    try:
        return profile.value(name) if profile is not None else None
    except Exception:  # noqa: BLE001 - a profile of another shape: nothing known
        return None


def _known_numbers(profile: Any, recent: list[str]) -> dict[str, float]:
    """The numeric facts of the last answer with their values (from the interview's profile)."""
    out: dict[str, float] = {}
    for name in recent:
        if name not in _NUMERIC:
            continue
        try:
            value = profile.value(name) if profile is not None else None
        except Exception:  # noqa: BLE001 - a profile of another shape: nothing to compare against
            value = None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            out[name] = float(value)
    return out


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 0.05 * max(abs(a), abs(b), 1)


_SPEND_IS_BUDGET = re.compile(r"\b(?:that'?s|that is|which is|it'?s|is) (?:also )?(?:the|our|my) (?:budget|cap|limit|ceiling|"
                              r"max(?:imum)?)\b|\b(?:budget|cap|limit)\b[^.;]{0,30}\b(?:stays?|same|is that)\b")


def _money(r: Reading, money: list[tuple[Typed, str]], low: str) -> None:
    """The budget is the cap the user names; a current spend above it is a cost that rules out the approach."""
    target = next((x for x in money if x[0].target), None)
    current = next((x for x in money if x[0].field_hint == "current" and x is not target), None)
    rel = _RELATIVE_MONEY.search(low)
    if target is None and current is not None and rel:
        share = {"tenth": 0.1, "fifth": 0.2, "quarter": 0.25, "third": 1 / 3, "half": 0.5}[rel.group(1)]
        target = (Typed(current[0].q, "money", current[0].value * share, target=True), current[1])
    k, quote = target or money[0]
    if target is None and k.field_hint == "current" and not _SPEND_IS_BUDGET.search(low):
        r.ask("budget_usd", k.value, quote)  # "we pay about 2k a month today": what it costs now, not a cap
        return
    r.set("budget_usd", k.value, quote)
    if target is not None and current is not None and current[0].value > target[0].value * 1.5:
        r.set("ceiling", "cost", current[1])  # what it costs today is well over what they can spend
        r.facts.setdefault("cost_sensitivity", ("high", current[1]))


_NAMED = [("examples", re.compile(r"\b(?:examples?|pairs|labell?ed|labels|annotations)\b")),
          ("volume_month", re.compile(r"\b(?:volume|traffic|requests|chats|messages|queries|calls|tickets|usage)\b")),
          ("budget_usd", re.compile(r"\b(?:budget|spend|dollars|grand)\b"))]


def _named_field(low: str) -> str | None:
    """The fact a correction names in words ("correction on the examples: it's 3,000")."""
    hits = [name for name, pattern in _NAMED if pattern.search(low)]
    return hits[0] if len(hits) == 1 else None


def _bare_field(pending: str | None, recent: list[str]) -> str | None:
    if pending in ("examples", "corpus", "budget"):
        return pending
    if pending is None:
        for name in recent:
            if name == "examples":
                return "examples_recent"
            if name in ("volume_month", "budget_usd"):
                return name
        return "guess"
    return None


_FIELD_WORDS = {"examples": "labelled examples", "volume_month": "requests a month", "budget_usd": "a monthly budget",
                "latency_ms": "a latency target", "corpus_tokens": "a knowledge size", "budget": "requests a month",
                "corpus": "a knowledge size", "examples_recent": "labelled examples", "guess": "that figure",
                None: "that figure"}


def _refusal(name: str | None, q: Quantity) -> str:
    what = _FIELD_WORDS.get(name, "that figure")
    shown = q.text if len(q.text) <= 24 else q.text[:20] + "…"
    if q.refused == "unclear":
        return f"I couldn't tell whether that figure is a power or a footnote mark, so I didn't record it as {what}."
    if q.refused == "tiny":
        return f"I couldn't use that number for {what}: it is far too small to be real, so I didn't record it."
    if q.text == "that number":
        return f"I couldn't use that number for {what}: it is far too large to be real, so I didn't record it."
    if q.refused == "negative":
        return f"I read \"{shown}\" as negative, which can't be right for {what}, so I didn't record it."
    return f"I couldn't use \"{shown}\" for {what}: the number is far too large to be real, so I didn't record it."
