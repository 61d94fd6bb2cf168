"""Rule-based understanding of interview answers (the offline brain's ears).

``extract(text, pending)`` turns one user message into facts (each with the words it came from) and
an intent. It reads numbers in digits or words with their units, frequency phrases, knowledge vs
behaviour language, yes/no relative to the pending question, and several facts in one message.
It never decides anything: strategy names in a message are not facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .brains.base import Understanding

# ------------------------------------------------------------------------------------------ numbers
_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_VAGUE = {"a couple of": 2, "a couple": 2, "couple of": 2, "couple": 2, "a few": 3, "few": 3, "several": 5,
          "a handful of": 5, "some": 3, "a": 1, "an": 1, "half a": 0.5, "one and a half": 1.5, "a dozen": 12}
_PLURAL_SCALES = {  # "thousands of", "tens of thousands of" ...
    r"hundreds of thousands( of)?": 300_000, r"tens of thousands( of)?": 30_000, r"hundreds( of)?": 300,
    r"thousands( of)?": 3_000, r"millions( of)?": 3_000_000, r"dozens( of)?": 36, r"billions( of)?": 3_000_000_000,
}
_NUMWORD = "|".join(sorted(list(_UNITS) + list(_SCALES), key=len, reverse=True))
_WORDNUM_RE = re.compile(rf"\b(?:(?:{_NUMWORD})(?:[\s-]+(?:and\s+)?)?)+\b")
_VAGUE_RE = re.compile(
    r"\b(" + "|".join(sorted((re.escape(k) for k in _VAGUE), key=len, reverse=True)) + r")\s+"
    r"(hundred|thousand|million|billion|dozen)\b"
)


def _words_to_int(phrase: str) -> float | None:
    total, current, seen = 0.0, 0.0, False
    for w in re.split(r"[\s-]+", phrase.strip()):
        if w == "and" or not w:
            continue
        if w in _UNITS:
            current += _UNITS[w]
            seen = True
        elif w == "hundred":
            current = max(current, 1) * 100
            seen = True
        elif w in _SCALES:
            total += max(current, 1) * _SCALES[w]
            current = 0
            seen = True
        else:
            return None
    return total + current if seen else None


def normalise_numbers(text: str) -> str:
    """Lower-case and rewrite number words as digits: 'a couple thousand' -> '2000'."""
    t = text.lower().replace("’", "'")
    t = re.sub(r"\bhalf a second\b", "500 ms", t)
    t = re.sub(r"\b(?:a|one) second\b", "1 second", t)
    t = re.sub(r"\bsub[- ]?second\b", "1000 ms", t)
    for pattern, value in _PLURAL_SCALES.items():
        t = re.sub(rf"\b{pattern}\b", f"{value} ", t)
    t = re.sub(r"\bhalf a (million|billion|thousand)\b", lambda m: str(int(_SCALES[m.group(1)] / 2)), t)
    t = re.sub(r"\b(a|one) dozen\b", "12", t)

    def vague(m: re.Match) -> str:
        scale = 12 if m.group(2) == "dozen" else _SCALES[m.group(2)]
        return str(int(_VAGUE[m.group(1)] * scale))

    t = _VAGUE_RE.sub(vague, t)

    # digits with suffixes: 2k, 1.5m, 200K, 10,000, 3 million
    def suffixed(m: re.Match) -> str:
        num = float(m.group(1).replace(",", ""))
        mult = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "mil": 1e6, "million": 1e6,
                "b": 1e9, "bn": 1e9, "billion": 1e9, "hundred": 100, "": 1}[(m.group(2) or "").strip()]
        return f"{int(num * mult)}"

    t = re.sub(r"(?<![\w.])(\d[\d,]*(?:\.\d+)?)(?:\s?(k|mm|mn|mil|m|bn|b|thousand|million|billion|hundred))?\b"
               r"(?!\.\d)", suffixed, t)
    def words(m: re.Match) -> str:
        value = _words_to_int(m.group(0))
        return m.group(0) if value is None else f"{int(value)} "

    t = _WORDNUM_RE.sub(words, t)
    return re.sub(r"[ \t]+", " ", t)


# ------------------------------------------------------------------------------------------ result
@dataclass
class Extraction:
    facts: dict[str, tuple[Any, str]] = field(default_factory=dict)  # field -> (value, quote)
    intent: str = "answer"  # answer | question | unsure | done | greeting
    correction: bool = False
    order: bool = False  # the message tried to give the assistant orders
    explicit: set[str] = field(default_factory=set)  # facts stated outright, not inferred from word choice

    def set(self, name: str, value: Any, quote: str) -> None:
        self.facts[name] = (value, quote.strip()[:200])


_NEG = re.compile(r"\b(no|not|don't|dont|doesn't|doesnt|never|without|nor|neither|isn't|aren't|won't|needn't)\b")


def _negated(clause: str, start: int) -> bool:
    return bool(_NEG.search(clause[max(0, start - 30):start]))


def _clauses(text: str) -> list[tuple[str, str]]:
    """Split into clauses; returns (normalised clause, original clause)."""
    originals = [c for c in re.split(r"(?<=[.;!?\n])\s+|,\s*(?:and|but|also)\s+|\s+but\s+|\s*;\s*", text) if c and c.strip()]
    return [(normalise_numbers(c), c.strip()) for c in originals] or [("", "")]


# ------------------------------------------------------------------------------------------ lexicons
# Strong words count 2, weak ones 1: "based on our moderation policy" should not outweigh "classification".
_KNOWLEDGE = re.compile(
    r"\b(docs?|documentation|documents|knowledge( base)?|kb|wiki|faqs?|catalog(ue)?s?|manuals?|handbooks?|"
    r"answer (questions|qs)|questions about|look(ing)? up|lookups?|contracts|regulations|research papers|articles|"
    r"inventory|internal data|q ?& ?a|know about|knows? our|help ?cent(er|re)|runbooks?|case law|filings)\b")
_KNOWLEDGE_WEAK = re.compile(
    r"\b(document|polic(y|ies)|product (info|information|data|details)|facts?|specs|specifications|our data|"
    r"information|guidelines|records|article|contract)\b")
_BEHAVIOUR = re.compile(
    r"\b(tone|voice|style|styles|format|formats|formatting|json|schema|structured output|templates?|classify|"
    r"classif\w*|categori[sz]\w*|route|routing|triage|intents?|extract\w*|pars(e|ing)|entities|rewrite|"
    r"write like|sound like|brand|persona|sql|code generation|dsl|behaviou?r|moderat\w*|sentiment|spam|"
    r"tag(ging)?)\b")
_BEHAVIOUR_WEAK = re.compile(
    r"\b(fields|consistent(ly)?|convert\w*|transform\w*|skill|reasoning pattern|summari[sz]\w* in|"
    r"label(l)?ing each|template)\b")
_GOALS = [
    ("classification", re.compile(r"\b(classif\w*|categori[sz]\w*|rout(e|ing)|triage|intents?|spam|sentiment|tag(ging)? )")),
    ("extraction", re.compile(r"\b(extract\w*|pars(e|ing)|fields|entities|structured (output|data)|json|convert\w*|"
                              r"transform\w*|sql|invoices?)\b")),
    ("style", re.compile(r"\b(tone|voice|style|brand|persona|writing|copy ?writing|marketing copy)\b")),
    ("major", re.compile(r"\b(domain[- ]specific reasoning|medical coding|legal analysis|reasoning patterns?|"
                         r"new skill|major behaviou?r)\b")),
    ("qa", re.compile(r"\b(answer (questions|qs)|q ?& ?a|support (bot|assistant|agent)|chat ?bot|assistant over|"
                      r"questions about)\b")),
]
_FRESHNESS = [
    ("realtime", r"\breal[- ]?time (data|updates|information|prices|pricing|inventory|stock)|in real[- ]?time|every (few )?"
                 r"(minutes?|seconds?|hours?)|\bhourly\b|constantly|continuously|all the time|by the minute|"
                 r"intraday|\blive (data|prices|inventory|feeds?)"),
    ("daily", r"\bdaily\b|every (single )?day|each day|every morning|every night|nightly|every few days|"
              r"(several|multiple|a few) times a week|every 2 days|every couple of days"),
    ("weekly", r"\bweekly\b|every (other |few |couple of )?weeks?|each week|once a week|\bbiweekly\b|fortnightly|every sprint|"
               r"every 1 week|every 2 weeks|twice a month"),
    ("monthly", r"\bmonthly\b|every (few |couple of |other )?months?|each month|once a month|quarterly|"
                r"every quarter|a few times a year"),
    ("yearly", r"\byearly\b|annually|every year|once a year|twice a year|every 2 years"),
    ("static", r"\brarely\b|barely (ever )?chang|hardly (ever )?chang|hardly ever|\bseldom\b|almost never|"
               r"never chang|(doesn't|does not|don't|do not|won't|will not) (really )?change|\bstatic\b|\bstable\b|"
               r"\bfixed\b|frozen|set in stone|unchanging|pretty much the same|historical|not often|not much|"
               r"very little|(rarely|seldom) updated|for (years|a year|\d+ years)|(hasn't|haven't|has not|have not) "
               r"changed|same for (years|a year)|locked"),
]
_CHANGE_CONTEXT = re.compile(r"chang|updat|refresh|revis|edit|publish|add(ed)?|new|rotate|evolv|stale|"
                             r"release|ship|moves?|data|docs?|document|prices?|catalog|polic|content|info|"
                             r"knowledge|rules|taxonom|inventory|schedule|menu|rates|intents|labels|categor|classes|tags|"
                             r"fields|schema|format|voice|style|guide|queues")
_VOLUME_NOUN = r"(requests?|queries|query|calls?|messages?|conversations?|chats?|tickets?|emails?|transactions?|" \
               r"questions?|lookups?|searches|runs?|invocations?|req|reqs|interactions?|sessions?|documents? " \
               r"processed|predictions?|classifications?|users?|customers?|items?)"
_PER = {"second": 2_592_000, "sec": 2_592_000, "minute": 43_200, "min": 43_200, "hour": 720, "day": 30,
        "daily": 30, "week": 4.3, "weekly": 4.3, "month": 1, "monthly": 1, "mo": 1, "year": 1 / 12,
        "yearly": 1 / 12, "annually": 1 / 12}
_PER_RE = r"(?:a|an|per|each|every|/|a single)\s*(second|sec|minute|min|hour|day|week|month|mo|year)\b|\b(daily|weekly|monthly|yearly|annually)\b"
_EXAMPLE_NOUN = re.compile(r"\b(examples?|pairs?|labell?ed|samples?|annotat\w*|training (data|examples|rows)|"
                           r"demonstrations?|gold|input[- ]output|rows|transcripts|graded|approved|verified|curated|"
                           r"reviewed|hand[- ]?written|human[- ]written|corrected|paired with|each with)\b")
_CORPUS_NOUN = re.compile(r"\b(docs?|documents?|pages?|articles?|files?|pdfs?|manuals?|entries|faqs?|polic(y|ies)|"
                          r"tokens|words|gb|mb|tb|records|books?|papers?|wiki pages|kb articles|items|products|skus)\b")
_TOKENS_PER = {"page": 500, "pages": 500, "doc": 2000, "docs": 2000, "document": 2000, "documents": 2000,
               "article": 1500, "articles": 1500, "file": 2000, "files": 2000, "pdf": 5000, "pdfs": 5000,
               "manual": 30_000, "manuals": 30_000, "entries": 200, "faq": 300, "faqs": 300, "policy": 1000,
               "policies": 1000, "tokens": 1, "words": 1.3, "gb": 250_000_000, "mb": 250_000, "tb": 2.5e11,
               "records": 200, "book": 100_000, "books": 100_000, "paper": 8000, "papers": 8000,
               "wiki pages": 800, "kb articles": 1500, "items": 200, "products": 300, "skus": 100}
SMALL_CORPUS_TOKENS = 5_000  # seed 003: knowledge under ~5,000 tokens fits in the system prompt

_COST_HIGH = re.compile(
    r"cost (really )?(matters|is (a |the )?(big |main |real |major )?(concern|issue|priority|constraint|problem))|"
    r"costs? matters?|tight budget|budget is tight|\bcheap(er|ly)?\b|too expensive|expensive|the bill|our bill|"
    r"cost[- ]sensitive|every (cent|penny)|keep costs? (down|low)|low budget|limited budget|small budget|"
    r"can't afford|cannot afford|margins?|cost is key|cost-conscious|on a budget|budget matters|pricey|"
    r"watch(ing)? (the |our )?(spend|costs?)|bill matters|money matters|costs? (a lot|too much)")
_COST_LOW = re.compile(
    r"cost (doesn't|does not|isn't|is not|won't be) (really )?(matter|a concern|an issue|a problem)|money is no object|"
    r"budget (is not|isn't) (an issue|a concern|a problem)|not cost[- ]sensitive|cost is fine|plenty of budget|"
    r"(don't|do not) care (much )?about (the )?cost|cost is secondary|cost is not a (concern|constraint)|"
    r"budget is (generous|large|fine|not a constraint)|well funded|unlimited budget|no budget constraints?")
_COST_MED = re.compile(r"\b(moderate(ly)?|reasonable|somewhat|medium) (budget|cost|cost-sensitive|sensitive)|"
                       r"cost matters a bit|cost matters somewhat|within reason")
_CEILING = [
    ("format", re.compile(r"(inconsistent|unreliable|broken|invalid|malformed|wrong) (format|formats|formatting|json|"
                          r"schema|structure|output)|(json|schema|format|output)\b.{0,30}\b(malformed|invalid|broken)|breaks? the (json|schema|format)|(doesn't|does not|don't|won't) "
                          r"(follow|stick to|respect) (the|our) (format|schema|template)|format (is |keeps )?"
                          r"(inconsistent|drifting|breaking)|formats? (come|comes) out (inconsistent|wrong|different)")),
    ("drift", re.compile(r"(keeps?|kept|keep on) drifting|\bdrifts?\b|drifting|off[- ]brand|sounds generic|generic tone|"
                         r"(inconsistent|not consistent) (tone|voice|style|behaviou?r|results|outputs?|answers)|"
                         r"inconsistent|(doesn't|does not|won't) (stay|keep) (in|on)|ignores? (the|our) instructions|"
                         r"(prompt|prompting|prompts) (isn't|is not|aren't|are not|wasn't|weren't) (enough|working|"
                         r"cutting it|reliable)|hit (a|the) (ceiling|wall)|constantly tweaking|keep tweaking|"
                         r"edge cases keep")),
    ("accuracy", re.compile(r"(accuracy|quality|precision|recall|f1|performance) (is |was |are )?(stuck|plateau\w*|"
                            r"short|too low|not good enough|not there|below|capped|only)|\bstuck at \d+|"
                            r"(only|just) (gets?|reach(es)?|hits?) \d+ ?%|not accurate enough")),
]
_CEILING_TRIED = re.compile(r"tried (prompting|prompt engineering|few[- ]shot|prompts|a (long |big )?prompt|"
                            r"chain of thought)|(we|we've|we have) (already )?(been )?prompt(ing|ed)")
_CEILING_NONE = re.compile(
    r"(prompts?|prompting|the model|it|quality|output|outputs|results) (already )?(works?|is working|does the job|"
    r"works (fine|well|great)|is (fine|good|great|good enough)|are (fine|good|great|good enough)|are solid)|"
    r"happy with the (quality|output|results)|quality is not the (issue|problem)|(?<!not )good enough|"
    r"already (gets|does|handles|works)|"
    r"(quality|accuracy) (is )?(fine|great|good|solid)|no quality (issues|problems)")
_CITATIONS = re.compile(r"\b(cite|cites|citing|citations?|sources?|traceab\w*|audit\w*|verif\w*|provenance|"
                        r"references?|footnotes?|show where|link(s)? (back )?to|link (the|each|every|back)|grounded|attribut\w*)\b")
_PERMISSIONS = re.compile(r"\b(permissions?|access control|acls?|different (users|customers|teams|tenants|clients|"
                          r"roles|people) (see|have|get|can see|access)|per[- ](user|customer|tenant|client|team)|"
                          r"multi[- ]tenant|role[- ]based|rbac|only see (their|its) own|entitlements?|"
                          r"their own (data|documents|accounts)|(user|customer)[- ]specific)\b")
_PRIVACY_STRICT = re.compile(
    r"on[- ]?prem\w*|on premises|self[- ]host\w*|our own (servers|infrastructure|infra|hardware|cloud|data ?cent(er|re)s?|"
    r"gpus?|machines)|(data|eu|us) residency|residency|can't leave|cannot leave|can not leave|must not leave|mustn't "
    r"leave|never leave|(must|has to|have to|needs? to) stay (in|on|within|inside)|stay(s)? on our|air[- ]?gapped|"
    r"\bhipaa\b|regulated|classified|sovereign\w*|no (third[- ]party|external|cloud|outside) (apis?|vendors?|"
    r"providers?|services)|not allowed to (send|share|upload)|can't send|cannot send|(never|not) (go|goes|leave) "
    r"(to|outside)|in[- ]house only|within our (network|vpc|walls)|behind our firewall|offline only")
_PRIVACY_STANDARD = re.compile(
    r"(cloud|hosted|saas|vendor)( api| model| service)? (is |are )?(fine|ok|okay|acceptable|allowed)|(agreement|dpa|baa|contract) is (fine|ok|okay|enough)|"
    r"vendor (is )?(fine|ok)|api (is )?(fine|ok|okay)|enterprise agreement|zero data retention|with an agreement|"
    r"cloud with an agreement|under (an|a) (agreement|dpa)")
_PRIVACY_NONE = re.compile(r"no (special |particular )?(privacy |data )?(constraints?|concerns?|requirements?|issues?)|"
                           r"public data|nothing (sensitive|confidential|private)|not (sensitive|confidential)|"
                           r"open data|publicly available|(privacy|data) (isn't|is not) (a|an) (concern|issue)")
_STAGE_PROTO = re.compile(r"prototyp\w*|proof[- ]of[- ]concept|\bpoc\b|\bmvp\b|hackathon|just (exploring|"
                          r"experimenting|starting( out)?|testing|trying)|early (stage|days)|experiment(ing)?\b|"
                          r"\bdemo\b|side project|figuring (it|things) out|(haven't|have not|not yet) (built|"
                          r"shipped|launched)|still exploring|still validating|validating the idea")
_STAGE_PROD = re.compile(r"in production|production (system|traffic|app|service)|already (live|shipped|launched)|"
                         r"serving (customers|users)|live (product|system)|went live|at scale today")

_YES = re.compile(r"^\s*(yes|yeah|yep|yup|ya|sure|definitely|absolutely|of course|correct|right|indeed|"
                  r"affirmative|they do|it does|we do|they must|it must|must|y)\b")
_NO = re.compile(r"^\s*(no(?! idea| clue)|nope|nah|not really|none|never|negative|not at all|neither|n)\b")
_UNSURE = re.compile(r"not sure|unsure|no idea|(don't|do not|dont) know|dunno|\bidk\b|hard to say|can't say|"
                     r"cannot say|not certain|no clue|(haven't|have not|not) (decided|measured|checked|thought)|"
                     r"\btbd\b|^\s*(pass|skip|\?+)\s*$|who knows|unclear|no strong (view|opinion)|not yet known|"
                     r"i'?m not the right person|depends")
_DONE = re.compile(r"^\s*(bye|goodbye|quit|exit|done|that'?s all|that is all|nothing else|no more questions|"
                   r"(thanks|thank you)[,!.]? (that'?s|that is) (it|all)|we'?re done|i'?m done|stop|end|"
                   r"that'?s it|all good,? thanks|that'?s all i (know|have|can say)|that'?s everything|nothing more( to add)?|"
                   r"no more|i have nothing (else|more)( to add)?)\W*$")
_GREETING = re.compile(r"^\s*(hi|hello|hey|good (morning|afternoon|evening)|yo|howdy)\W*$")
_QUESTION_START = re.compile(r"^\s*(what|why|how|when|which|who|where|can|could|should|would|is|are|does|do|will|"
                             r"explain|tell me)\b")
_CORRECTION = re.compile(r"\b(actually|correction|i meant|i mean|scratch that|sorry,|let me correct|to correct|"
                         r"on second thought|change that|i was wrong|not quite|rather|instead)\b")
_ORDER = re.compile(r"ignore (all |your |the |previous |prior )*(rules|instructions|engine|analysis|logic|prompt)|"
                    r"disregard|forget (your|the|all) (rules|instructions)|you (must|have to|should) (recommend|say|"
                    r"pick|choose|answer)|just (recommend|say|pick|tell me)|override|system prompt|pretend|"
                    r"jailbreak|act as|developer mode|(recommend|pick|choose) (fine[- ]?tuning|rag|prompting|"
                    r"distillation) (no matter|regardless|whatever)")


# ------------------------------------------------------------------------------------------ extract
_TARGET = re.compile(r"\b(under|below|within|less than|at most|max(imum)?|need|must|budget|target|sla|p9\d|"
                     r"has to|have to|should|tight|no more than)\b")


def _latency(ex: Extraction, clause: str, orig: str) -> None:
    if "latency_ms" in ex.facts and not _TARGET.search(clause):
        return  # a second figure without a target word is a measurement ("the big model takes 800 ms")
    m = re.search(r"(\d+(?:\.\d+)?)\s*(ms|msec|millis\w*)\b", clause)
    if m:
        ex.set("latency_ms", int(float(m.group(1))), orig)
        return
    m = re.search(r"(\d+(?:\.\d+)?)\s*(s|sec|secs|seconds?)\b", clause)
    if m and not re.search(rf"{m.group(1)}\s*(s|sec|secs|seconds?)\s*{_PER_RE}", clause):
        ex.set("latency_ms", int(float(m.group(1)) * 1000), orig)
        return
    if re.search(r"\b(instant(ly|aneous)?|snappy|blazing)\b", clause):
        ex.set("latency_ms", 300, orig)
    elif re.search(r"\b(batch|overnight|offline processing|async(hronous)?|no latency (requirement|constraint)s?|"
                   r"latency (doesn't|does not|isn't|is not) (matter|a concern|an issue)|not latency[- ]sensitive|"
                   r"can wait|minutes are fine)\b", clause):
        ex.set("latency_ms", 60_000, orig)
    elif re.search(r"\b(few seconds|couple of seconds)\b", clause):
        ex.set("latency_ms", 3000, orig)


def _per_month(clause: str, after: int) -> float | None:
    m = re.match(rf"[\w\s,'-]{{0,40}}?({_PER_RE})", clause[after:])
    if not m:
        return None
    unit = next(g for g in m.groups()[1:] if g)
    return _PER.get(unit, 1)


def _corpus_fact(ex: Extraction, value: float, unit: str, orig: str) -> None:
    tokens = value * _TOKENS_PER.get(unit.strip(), 2000)
    ex.set("corpus_tokens", int(tokens), orig)
    ex.set("corpus", "small" if tokens <= SMALL_CORPUS_TOKENS else "large", orig)
    ex.explicit.add("corpus")  # a counted size ("3,000 articles") is stated outright, not read from word choice


def _numbers(ex: Extraction, clause: str, orig: str, pending: str | None) -> None:
    for m in re.finditer(r"(?<![\w.%$])(\d+(?:\.\d+)?)(?![\d%])", clause):
        value = float(m.group(1))
        after = clause[m.end():m.end() + 40]
        before = clause[max(0, m.start() - 24):m.start()]
        if re.match(r"\s*(ms|msec|millis|s\b|sec|seconds?|%|percent|x\b|times\b|classes|categories|"
                    r"intents|queues|languages|fields|people|engineers|(months?|years?|weeks?|days?|hours?|minutes?)\b|tokens? (of )?(instruction|prompt))",
                    after) or "$" in before[-2:]:
            continue
        if re.search(r"\b(under|below|less than|fewer than)\s*$", before) and pending == "examples":
            value = value / 2  # "under 100 examples": call it 50
        window = after[:30]
        volume_noun = re.match(rf"\s*(\w+\s){{0,2}}{_VOLUME_NOUN}", after)
        rate = re.match(rf"\s*(?:[\w'-]+\s){{0,2}}?({_PER_RE})", after)
        corpus_noun = re.match(r"\s*(?:[\w-]+\s){0,2}?(" + _CORPUS_NOUN.pattern[3:-3] + r")\b", after)
        labelled_before = re.search(r"(labell?ed|annotated|hand[- ]labell?ed|curated|graded)\s+(\w+\s+)?$", before)
        if (_EXAMPLE_NOUN.search(window) or labelled_before) and not rate and not (volume_noun and re.search(_PER_RE, window)):
            ex.set("examples", int(value), orig)
        elif corpus_noun and not rate and not (volume_noun and volume_noun.end() < corpus_noun.start(1)):
            _corpus_fact(ex, value, corpus_noun.group(1), orig)
        elif volume_noun or rate:
            per = _per_month(clause, m.end())
            if per is None and not rate and re.match(r"\s*(\w+\s){0,2}(users?|customers?|items?)", after) \
                    and pending != "budget":
                continue  # a head count, not a request rate
            ex.set("volume_month", int(value * (per if per is not None else 1)), orig)
        elif pending == "examples":
            ex.set("examples", int(value), orig)
        elif pending == "corpus":
            _corpus_fact(ex, value, "documents", orig)


def _freshness(ex: Extraction, clause: str, orig: str, pending: str | None) -> None:
    if re.search(rf"\d+\s*(\w+\s){{0,2}}{_VOLUME_NOUN}", clause):
        return  # "10k requests a day" is volume, not freshness
    for value, pattern in _FRESHNESS:
        m = re.search(pattern, clause)
        if m and (pending == "freshness" or _CHANGE_CONTEXT.search(clause)):
            if value == "static" and re.search(r"\b(stable|fixed)\b", m.group(0)) and pending != "freshness" \
                    and not re.search(r"chang|updat|data|docs|knowledge|content|rules|taxonom|domain", clause):
                continue
            ex.set("freshness", value, orig)
            return


def _need(ex: Extraction, text: str, pending: str | None) -> None:
    low = text.lower()
    explicit = re.search(r"(^\W*|\b(it'?s|it is|its|we need|mostly|mainly|primarily|really|a|more)\s+(about\s+)?)"
                         r"(both|knowledge|behaviou?r)\b", low)
    if re.match(r"\W*both\b", low) or (re.search(r"\bboth\b", low) and pending == "need") or \
            (explicit and explicit.group(4) == "both"):
        ex.set("need", "both", text)
        ex.explicit.add("need")
        return
    if explicit:  # "it's a behaviour task", "mostly knowledge": said outright, so no lexicon counting
        ex.set("need", "knowledge" if explicit.group(4) == "knowledge" else "behaviour", text)
        ex.explicit.add("need")
        return
    k = 2 * len(_KNOWLEDGE.findall(low)) + len(_KNOWLEDGE_WEAK.findall(low))
    b = 2 * len(_BEHAVIOUR.findall(low)) + len(_BEHAVIOUR_WEAK.findall(low))
    if re.search(r"\bknowledge:", low):
        k += 6
    if re.search(r"\bbehaviou?r:", low):
        b += 6
    if re.search(r"\bno (knowledge base|docs|documents|documentation|corpus)\b", low):
        k = 0
    if k >= 2 and b >= 2 and max(k, b) <= 2 * min(k, b):
        value = "both"
    elif k > b:
        value = "knowledge"
    elif b > k:
        value = "behaviour"
    else:
        return
    ex.set("need", value, text)


def extract(text: str, pending: str | None = None) -> Extraction:
    ex = Extraction()
    raw = text.strip()
    low = raw.lower()
    if not raw:
        ex.intent = "empty"
        return ex
    if _DONE.match(low):
        ex.intent = "done"
        return ex
    if _GREETING.match(low):
        ex.intent = "greeting"
        return ex
    ex.order = bool(_ORDER.search(low))
    ex.correction = bool(_CORRECTION.search(low))

    for clause, orig in _clauses(raw):
        _latency(ex, clause, orig)
        _numbers(ex, clause, orig, pending)
        _freshness(ex, clause, orig, pending)
        for goal, pattern in _GOALS:
            if pattern.search(clause) and "goal" not in ex.facts:
                ex.set("goal", goal, orig)
        if _COST_LOW.search(clause):
            ex.set("cost_sensitivity", "low", orig)
        elif _COST_HIGH.search(clause):
            ex.set("cost_sensitivity", "high", orig)
        elif _COST_MED.search(clause):
            ex.set("cost_sensitivity", "medium", orig)
        if re.search(r"\b(high|huge|massive|large|big) (volume|traffic|scale)\b", clause) and "volume_month" not in ex.facts:
            ex.set("volume_month", 2_000_000, orig)
        elif re.search(r"\b(low|small|tiny|modest) (volume|traffic)\b|\bfew requests\b", clause) and "volume_month" not in ex.facts:
            ex.set("volume_month", 5_000, orig)
        if _CEILING_NONE.search(clause) and not re.search(r"\b(but|except)\b", clause):
            ex.set("ceiling", "none", orig)
        else:
            for kind, pattern in _CEILING:
                if pattern.search(clause):
                    ex.set("ceiling", kind, orig)
                    break
            else:
                if _CEILING_TRIED.search(clause) and re.search(r"\b(but|not|isn't|doesn't|fails?|failing|struggl)", clause):
                    ex.set("ceiling", "accuracy", orig)
        m = _CITATIONS.search(clause)
        if m and not re.search(r"\bdata sources?\b|\bsources? of (truth|data)\b|open[- ]source", clause):
            ex.set("citations", not _negated(clause, m.start()), orig)
        m = _PERMISSIONS.search(clause)
        if m:
            ex.set("permissions", not _negated(clause, m.start()), orig)
        if _PRIVACY_STRICT.search(clause) and not re.search(r"\b(no|not|don't|doesn't) (need|have) to stay", clause):
            ex.set("privacy", "strict", orig)
        elif _PRIVACY_STANDARD.search(clause):
            ex.set("privacy", "standard", orig)
        elif _PRIVACY_NONE.search(clause):
            ex.set("privacy", "none", orig)
        if _STAGE_PROTO.search(clause):
            ex.set("stage", "prototype", orig)
        elif _STAGE_PROD.search(clause):
            ex.set("stage", "production", orig)
        _corpus_words(ex, clause, orig, pending)

    _need(ex, raw, pending)
    _relative_to_pending(ex, raw, low, pending)

    if not ex.facts:
        if _UNSURE.search(low):
            ex.intent = "unsure"
        elif raw.endswith("?") or _QUESTION_START.match(low):
            ex.intent = "question"
    elif raw.endswith("?") and _QUESTION_START.match(low) and not re.search(r"\bwhat if\b|\bsuppose\b|\bif we\b", low):
        ex.intent = "question"  # a question that mentions facts in passing still wants an answer
    return ex


def _corpus_words(ex: Extraction, clause: str, orig: str, pending: str | None) -> None:
    if "corpus" in ex.facts:
        return
    if re.search(r"fits? (in|into) (a|the|one) (prompt|context|system prompt)|a (few|couple of) pages|one[- ]pager|"
                 r"single page|short (list|document|faq)|small (faq|document|set of (rules|facts))|a page or two|"
                 r"handful of (facts|rules|pages)|few paragraphs", clause):
        ex.set("corpus", "small", orig)
    elif re.search(r"(too (big|large|much) (for|to fit)|won't fit|doesn't fit|does not fit|huge|massive|entire "
                   r"(wiki|knowledge base|archive|intranet)|large (corpus|knowledge base|archive|collection)|"
                   r"lots of (docs|documents|content|pages)|\d{3,} (\w+ )?(docs|documents|pages|articles|files|pdfs|"
                   r"manuals|policies))", clause):
        ex.set("corpus", "large", orig)


def _relative_to_pending(ex: Extraction, raw: str, low: str, pending: str | None) -> None:
    if _UNSURE.search(low) and not ex.facts:
        return
    yes, no = bool(_YES.match(low)), bool(_NO.match(low))
    if pending == "citations":
        if no and "citations" not in ex.facts:
            ex.set("citations", False, raw)
            if re.search(r"\bneither\b", low) or "permissions" not in ex.facts:
                ex.set("permissions", False, raw)
        elif yes and "citations" not in ex.facts:
            ex.set("citations", True, raw)
        if re.search(r"not (really )?(required|needed|necessary|a must|mandatory)|\boptional\b|nice[- ]to[- ]have",
                     low):
            ex.set("citations", False, raw)  # "linking the doc would be nice, but it's not required"
        if "citations" in ex.facts and "permissions" not in ex.facts and re.search(r"\bneither\b", low):
            ex.set("permissions", False, raw)
    elif pending == "privacy" and "privacy" not in ex.facts:
        if yes:
            ex.set("privacy", "strict", raw)
        elif no:
            ex.set("privacy", "standard", raw)
    elif pending == "examples" and "examples" not in ex.facts:
        if no or re.search(r"\bnone\b|\bzero\b|\bnothing\b|no (labell?ed )?(data|examples)", low):
            ex.set("examples", 0, raw)
    elif pending == "freshness" and "freshness" not in ex.facts and no:
        ex.set("freshness", "static", raw)
    elif pending == "corpus" and "corpus" not in ex.facts:
        if re.search(r"\b(small|tiny|short|little)\b|\bno (knowledge base|corpus|documents|docs|reference data)\b|"
                     r"nothing to (look up|retrieve)|in the (request|prompt|input)\b|^\s*(none|no|n/a)\b", low):
            ex.set("corpus", "small", raw)
        elif re.search(r"\b(large|big|lots|many|a lot)\b", low):
            ex.set("corpus", "large", raw)
    elif pending == "budget":
        if "latency_ms" not in ex.facts and re.search(r"\b(fast|quick|low latency|snappy)\b", low):
            ex.set("latency_ms", 500, raw)
    elif pending == "need" and "need" not in ex.facts:
        if re.search(r"\bfacts?\b|\bknow\b|\bknowledge\b", low):
            ex.set("need", "knowledge", raw)
        elif re.search(r"\b(behav\w*|style|format|skill|act)\b", low):
            ex.set("need", "behaviour", raw)


def understand(text: str, pending: str | None = None, profile: Any = None,
               recent: list[str] | None = None) -> Understanding:
    """The offline brain's reading of one message, in the contract every brain fills.

    ``profile``: what is known so far; ``recent``: the facts recorded from the previous answer."""
    ex = extract(text, pending)
    return Understanding(facts=ex.facts, intent=ex.intent, correction=ex.correction, order=ex.order,
                         explicit=ex.explicit)
