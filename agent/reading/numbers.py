"""Numbers in a clause: words to digits, names that are not counts masked, then each figure scanned once.

Generic part: ``text2num``'s ``alpha2digit`` turns spelled numbers into digits ("a hundred and twenty thousand",
"fourty"). Ours: money words ("a couple grand"), vague magnitudes ("a few hundred", "thousands of"), ranges
("between 2 and 5 thousand"), suffixes ("2k", "1.5M"), exponents ("1e9", "10^6") and signs, plus masking of
model and product names, versions, dates, times and percentages, which are never counts.

Ranges are read as their geometric middle, sqrt(low x high): teams give ranges on a log scale ("between 100 and
10,000" means about 1,000), and for narrow ranges it is close to the plain middle (2 to 5 thousand -> 3,162).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal, localcontext

from text_to_num import alpha2digit

MAX_DIGITS = 18  # anything longer cannot be a sane count and could overflow a signed 64-bit int
MAX_EXPONENT = 15

# ------------------------------------------------------------------------------------------ powers
# Every way of writing a power, read as one figure before anything else looks at the text, so that no part of it
# ("1e9", "5*10**15", "2**-9", "3 x 10^+4", "10 to the 6th"; superscripts become "^" in ``text.clean``) is ever
# read alone. The exponent is bounded before anything is computed.
_POWER_EXPR = re.compile(
    r"(?<![\w.])(?P<m>\d+(?:\.\d+)?)(?:[eE](?P<e1>[+-]?\d+)|\s?[x*]\s?(?P<b>\d+)\s?(?:\^|\*\*)\s?(?P<e2>[+-]?\d+)|"
    r"\s?(?:\^|\*\*)\s?(?P<e3>[+-]?\d+)|\sto the (?:power of )?(?P<e4>[+-]?\d+)(?:st|nd|rd|th)?\b)(?!\w|\.\d)"
    r"(?P<suf>\s?(?:thousand|million|billion|hundred|grand|k|mn|mm|m|bn|b)(?![a-z]))?",
    re.IGNORECASE)
TOO_LARGE, TOO_SMALL = "numtoolarge", "numtoosmall"  # what an unreadable power becomes: a word the scan refuses
UNCLEAR = "numunclear"  # a power to the 0th or 1st ("10¹"): more likely a footnote mark than a figure
_MAX_LOG10 = 18.5  # beyond this no figure is kept (a signed 64-bit int ends near 9.2e18)


def _power_value(m: re.Match) -> str:
    value = _power(m)
    if value.strip() in (TOO_LARGE, TOO_SMALL, UNCLEAR):
        return value  # a scale word after it ("1e112 million") goes with it
    return value.rstrip() + (m.group("suf") or "") + " "


def _power(m: re.Match) -> str:
    mant, base = m.group("m"), m.group("b")
    exp = next(g for g in (m.group("e1"), m.group("e2"), m.group("e3"), m.group("e4")) if g is not None)
    if m.group("e3") is not None or m.group("e4") is not None:
        mant, base = "1", mant  # "2**10", "10^3": the figure before the sign is the base
    elif base is None:
        base = "10"
    digits = exp.lstrip("+-")
    negative = exp.startswith("-")
    if len(mant) > 19 or len(base) > 19:
        return f" {TOO_LARGE} "
    m_val, b_val = Decimal(mant), Decimal(base)
    if m_val == 0 or b_val == 1 or b_val == 0:
        return f" {_plain(m_val * (b_val if b_val else 0) if b_val != 1 else m_val)} "
    if len(digits) > 4:
        return f" {TOO_SMALL if negative and b_val > 1 else TOO_LARGE} "
    e = -int(digits) if negative else int(digits)
    if e in (0, 1):
        return f" {UNCLEAR} "
    size = float(m_val.log10()) + e * float(b_val.log10())
    if size > _MAX_LOG10:
        return f" {TOO_LARGE} "
    if size < -6:
        return f" {TOO_SMALL} "
    with localcontext() as ctx:
        ctx.prec = 40
        return f" {_plain(m_val * b_val ** e)} "


def _plain(v: Decimal) -> str:
    if v == v.to_integral_value():
        return str(int(v))
    return f"{float(v):.6f}".rstrip("0").rstrip(".")


def read_powers(text: str) -> str:
    """Rewrite each power as plain digits (or as a word the scan refuses when it is too large or too small)."""
    return _POWER_EXPR.sub(_power_value, text)


_SIGN_WORD = re.compile(r"\b(?:minus|negative)\s(?=\$?\d)")


# ------------------------------------------------------------------------------------------ words
_SCALE = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_VAGUE_COUNT = {"a couple of": 2, "a couple": 2, "couple of": 2, "couple": 2, "a few": 3, "few": 3, "several": 5,
                "a handful of": 5, "some": 3, "many": 5, "a dozen": 12}
_VAGUE_RE = re.compile(
    r"\b(a couple of|a couple|couple of|couple|a few|several|a handful of|some|many)\s+(hundred|thousand|million|billion|"
    r"dozen)s?\b")
_PLURAL_SCALES = [  # "tens of thousands of": a value the words support
    (re.compile(r"\bhundreds of thousands(?: of)?\b"), "300000"), (re.compile(r"\btens of thousands(?: of)?\b"), "30000"),
    (re.compile(r"\bhundreds of millions(?: of)?\b"), "300000000"), (re.compile(r"\btens of millions(?: of)?\b"), "30000000"),
    (re.compile(r"\bhundreds(?: of)?\b"), "300"), (re.compile(r"\bthousands(?: of)?\b"), "3000"),
    (re.compile(r"\bmillions(?: of)?\b"), "3000000"), (re.compile(r"\bbillions(?: of)?\b"), "3000000000"),
    (re.compile(r"\bdozens(?: of)?\b"), "36"),
]
_HALF = re.compile(r"\b(one|two|three|four|five|six|seven|eight|nine|\d+) and a half (million|thousand|billion|"
                   r"hundred|seconds?|minutes?|hours?|k|grand|mil|m|bn)\b")
_SMALL = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_MONEY_WORDS = [
    (re.compile(r"\b(a couple of|a couple|couple of|a few|several)\s+(grand|k)\b"),
     lambda m: f" ${_VAGUE_COUNT[m.group(1)] * 1000} "),
    (re.compile(r"\ba grand\b"), lambda m: " $1000 "),
]
_FIXED = [
    (re.compile(r"\bhalf a second\b"), "500 ms"), (re.compile(r"\b(?:a|one) second\b(?!\s(?:office|one|time|team|opinion|look|version|round|thought|language|"
                r"location|store|site|branch|model|option|pass|step|phase|stage|set|batch|source|opinion|try|chance|"
                r"question|product|line|tier|region|market|brand|half|quarter|year|month|week|day))"), "1 sec"),
    (re.compile(r"\bsub[- ]?second\b"), "under 1000 ms"), (re.compile(r"\bhalf a (million|billion|thousand)\b"),
                                                        None), (re.compile(r"\bhalf a mil\b"), "500000"),
    (re.compile(r"\b(a|one) dozen\b"), "12"), (re.compile(r"\ba handful\b"), "5"),
    (re.compile(r"\b(?:a )?couple(?: of)? (?:secs?|seconds?)\b"), "2 secs"),
    (re.compile(r"\b(?:a )?few (?:secs?|seconds)\b"), "3 secs"), (re.compile(r"\bseveral (?:secs|seconds)\b"), "5 secs"),
    (re.compile(r"\bseconds\b"), "secs"), (re.compile(r"(?<=\d)\s?second\b|(?<=\bper )second\b"), " sec"),
]
_ORDINAL_WORD = re.compile(r"\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\b")
_PROTECT_ONE = re.compile(r"\bones\b|\bone\b(?!\s*(?:hundred|thousand|million|billion|point|and a half|or\s|to\s|[-\s]?(?:ms|seconds?)\b))")


def _fixed(t: str) -> str:
    for pattern, repl in _FIXED:
        if repl is None:
            t = pattern.sub(lambda m: str(_SCALE[m.group(m.lastindex)] // (2 if "half" in m.group(0) else 1)), t)
        else:
            t = pattern.sub(repl, t)
    return t


# Misspellings of number words that text2num does not take, seen in typed answers; each is no English word.
_TYPOS = {"ninty": "ninety", "nintey": "ninety", "ninety": "ninety", "fourty": "forty", "fourtey": "forty",
          "fourteen": "fourteen", "fithteen": "fifteen", "fiveteen": "fifteen", "fivteen": "fifteen",
          "fifity": "fifty", "fivety": "fifty", "sevnty": "seventy", "seventey": "seventy", "sevety": "seventy",
          "eigthy": "eighty", "eighty": "eighty", "eigty": "eighty", "eightey": "eighty", "twentey": "twenty",
          "tweny": "twenty", "twnety": "twenty", "thrity": "thirty", "thirtey": "thirty", "sixtey": "sixty",
          "twelv": "twelve", "hundered": "hundred", "hunderd": "hundred", "hundret": "hundred", "thousnad": "thousand",
          "thousend": "thousand", "thousant": "thousand", "thosand": "thousand", "milion": "million",
          "millon": "million", "millian": "million", "bilion": "billion", "billon": "billion"}
_TYPO_RE = re.compile(r"\b(" + "|".join(k for k, v in _TYPOS.items() if k != v) + r")\b")
_UNITS_WORDS = ("one|two|three|four|five|six|seven|eight|nine")
_TENS_WORDS = ("ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|"
               "fifty|sixty|seventy|eighty|ninety")
# "seven fifty" (750), "nine ninety-nine" (999): hundreds said the short way, before a unit or at the end
_SHORT_HUNDREDS = re.compile(rf"\b({_UNITS_WORDS}) ((?:{_TENS_WORDS})(?:[- ](?:{_UNITS_WORDS}))?)\b"
                             r"(?=\s*(?:ms|milliseconds?|dollars?|bucks|requests?|a (?:day|week|month)|per |$|[,.;!?]))")
_AND_A_HALF_SCALE = re.compile(r"\b(a|one) (million|thousand|billion|hundred) and a half\b")
_QUARTERS = re.compile(r"\b(three quarters|a quarter|one quarter|a third|one third|two thirds|half) of an? "
                       r"(million|thousand|billion|mil)\b")
_FRACTION = {"three quarters": 0.75, "a quarter": 0.25, "one quarter": 0.25, "a third": 1 / 3, "one third": 1 / 3,
             "two thirds": 2 / 3, "half": 0.5}
_PLURAL_AFTER_NUMBER = re.compile(rf"\b(\d+(?:\.\d+)?|{_UNITS_WORDS}|{_TENS_WORDS}|a few|several) (hundred|thousand|million|"
                                  r"billion)s\b(?: of)?")


_NUMBER_WORDS = ("zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
                 "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|"
                 "thousand|million|billion|mil|grand|half|quarters?|thirds?|dozens?|handful|couple|few|several|some|many|"
                 "hundreds|thousands|millions|billions|seconds?|sub|minus|negative|first|fourth|fifth|sixth|seventh|"
                 "eighth|ninth|tenth|point|k")
_ANY_NUMBER_WORD = re.compile(rf"\b(?:{_NUMBER_WORDS}|" + "|".join(k for k, v in _TYPOS.items() if k != v) + r")\b")


def words_to_digits(t: str) -> str:
    """Lower-case text with spelled and vague numbers rewritten as digits; money words as "$N"."""
    if not _ANY_NUMBER_WORD.search(t):
        return t  # nothing spelled out: the digits are read as they are (most messages; one pass instead of forty)
    t = _TYPO_RE.sub(lambda m: _TYPOS[m.group(1)], t)
    t = _PLURAL_AFTER_NUMBER.sub(lambda m: f"{m.group(1)} {m.group(2)}", t)  # "2 millions of calls" is 2 million
    t = _SHORT_HUNDREDS.sub(lambda m: m.group(1) + " hundred " + m.group(2), t)
    t = _AND_A_HALF_SCALE.sub(lambda m: str(int(_SCALE[m.group(2)] * 1.5)), t)
    t = _QUARTERS.sub(lambda m: str(int(_FRACTION[m.group(1)] * _SCALE["million" if m.group(2) == "mil" else
                                                                    m.group(2)])), t)
    for pattern, repl in _MONEY_WORDS:
        t = pattern.sub(repl, t)
    t = _HALF.sub(lambda m: f"{_SMALL.get(m.group(1), m.group(1))}.5 {m.group(2)}", t)
    t = _fixed(t)
    t = _VAGUE_RE.sub(lambda m: str(int(_VAGUE_COUNT[m.group(1)] * (12 if m.group(2) == "dozen" else
                                                                    _SCALE[m.group(2)]))), t)
    for pattern, repl in _PLURAL_SCALES:
        t = pattern.sub(repl, t)
    t = _PROTECT_ONE.sub("onє", t)  # "no one", "one of them", "one prompt": not numbers
    t = _ORDINAL_WORD.sub(lambda m: m.group(0).replace("t", "\u0442"), t)  # "first" is a word, not "1st"
    t = alpha2digit(t, "en", threshold=0).lower()  # it may capitalise a sentence start
    t = t.replace("\u0442", "t")
    t = _SIGN_WORD.sub("-", t)  # "minus 200", "negative five": the sign is part of the figure
    t = re.sub(r"\bonє(?=s\b)|(?<=\bon)є(?=s\b)", "one", t).replace("onє", "one")
    # "2 1000" (alpha2digit on "2 thousand"): one number
    t = re.sub(r"(?<![\d.,])(\d+(?:\.\d+)?) (1000000000|1000000|1000|100)(?![\d,.])",
               lambda m: _num_str(float(m.group(1)) * int(m.group(2))), t)
    return t


def _num_str(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.6g}"


# ------------------------------------------------------------------------------------------ masks
_FAMILIES = (r"gpt|chatgpt|claude|llama|mistral|mixtral|gemma|gemini|phi|qwen|falcon|bert|roberta|distilbert|t5|"
             r"flan|palm|command|sonnet|haiku|opus|deepseek|davinci|whisper|vicuna|codellama|starcoder|grok|"
             r"python|java|node|postgres|postgresql|mysql|ubuntu|debian|ios|android|windows|macos|iso|soc|pci|"
             r"react|django|tensorflow|pytorch|cuda|kafka|spark|elasticsearch|iphone|pixel|nvidia|bge|e5|ada|"
             r"babbage|o1|o3|o4|r1|v\d+|version|release|model|gen|generation|series|tier|level|step|phase|stage|"
             r"round|line|port|error|status|http|code|ticket|issue|pr|room|ext|top|page|chapter|section|rule|"
             r"article|clause|form|schedule|appendix|table|figure|cve|rfc|sprint|iteration|week|day|quarter|"
             r"no\.|number|#")
_MODEL = re.compile(
    rf"(?<![\w$])(?:{_FAMILIES})(?:[\s-]?(?:\d+(?:\.\d+)*[a-z]{{0,6}}|mini|turbo|pro|max|large|small|medium|base|"
    rf"instruct|chat|sonnet|haiku|opus|flash|nano|lite|ultra|vision|coder|it|hf)(?![\w.]))+")
_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|"
           "apr|jun|jul|aug|sep|sept|oct|nov|dec")
_MASKS = [
    re.compile(r"\b(?:19|20)\d\d-\d\d-\d\d(?:[t ]\d\d:\d\d(?::\d\d)?)?\b"),  # ISO dates
    re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d+/\d+\b"),  # dates, 24/7, 1/1
    re.compile(rf"\b(?:{_MONTHS})\.? (?:\d{{1,2}}(?:st|nd|rd|th)?,? )?(?:19|20)\d\d\b|\b(?:{_MONTHS})\.? \d{{1,2}}"
               r"(?:st|nd|rd|th)?\b"),
    re.compile(r"\b(?:since|in|by|until|till|before|after|during|early|late|mid|end of|q[1-4])"
               r"[\s-](?:19|20)\d\d\b(?!\s*(?:examples|pairs|docs|documents|requests|queries|calls|messages|rows))"),
    re.compile(r"\b\d{1,2}:\d\d(?::\d\d)?(?:\s?[ap]m)?\b|\b\d{1,2}\s?[ap]\.?m\b\.?"),  # times of day
    re.compile(r"\b\d+\.\d+\.\d+(?:\.\d+)*\b"),  # versions 1.2.3
    re.compile(r"\b\d+(?:\.\d+)?\s?(?:b|bn)\s?(?:param\w*|models?|llms?)\b|\b\d+(?:\.\d+)?b\b(?=\s+(?:instruct|chat|base)\b)"),
    re.compile(r"\b\d+(?:st|nd|rd|th)\b"),  # ordinals
    re.compile(r"\b(?:f1|p50|p90|p95|p99|top[- ]\d+|k=\d+|@\d+)\b"),
]
_DIGIT = re.compile(r"\d")
_PERCENT = re.compile(r"(?<![\w.])\d+(?:\.\d+)?\s?(?:%|percent\b|pct\b|per cent\b)")


def mask_names(t: str) -> str:
    """Replace model and product names, versions, dates, times and percentages by words without digits."""
    if not _DIGIT.search(t):
        return t  # the masks only keep digits from being read as counts
    t = _MODEL.sub(" modelname ", t)
    for pattern in _MASKS:
        t = pattern.sub(" datum ", t)
    return _PERCENT.sub(" pct ", t)


# ------------------------------------------------------------------------------------------ scan
@dataclass
class Quantity:
    value: float | None  # None when the figure was unreadable (too long, too large an exponent)
    start: int
    end: int
    text: str
    money: bool = False
    negative: bool = False
    approx: bool = False
    refused: str = ""  # why it cannot be used


_SUFFIX = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "mil": 1e6, "million": 1e6, "b": 1e9,
           "bn": 1e9, "billion": 1e9, "hundred": 1e2, "grand": 1e3}
# One pattern, entered once per digit run (the look-behind forbids starting inside a run or a word).
_NUMBER = re.compile(
    r"(?<![\w.,$])(?P<neg>-)?(?P<cur>\$\s?)?(?P<neg2>-)?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?"
    r"(?:(?:e\+?|\s?(?:x|\*)\s?10\^)(?P<exp>-?\d+))?(?:\s?(?P<suf>k|mm|mn|mil|m|bn|b|thousand|million|billion|"
    r"hundred|grand)(?![a-z]))?(?P<cur2>\s?(?:\$|usd\b|dollars?\b|bucks\b|eur\b|euros?\b|gbp\b|pounds?\b))?")
_POWER = re.compile(r"(?<![\w.])10\s?\^\s?(?P<exp>-?\d+)")
_UNREADABLE = re.compile(rf"(?P<neg>-\s?)?\b(?:{TOO_LARGE}|{TOO_SMALL}|{UNCLEAR})\b")


def _value(m: re.Match) -> tuple[float | None, str]:
    digits = m.group("int").replace(",", "")
    if len(digits) > MAX_DIGITS:
        return None, "too_long"
    value = float(int(digits))
    if m.group("frac"):
        value += float("0." + m.group("frac")[:6])
    exp = m.group("exp")
    if exp is not None:
        if len(exp.lstrip("-")) > 3 or abs(int(exp)) > MAX_EXPONENT:
            return None, "exponent"
        value *= 10.0 ** int(exp)
    suf = m.group("suf")
    if suf:
        value *= _SUFFIX[suf]
    return value, ""


def scan(t: str) -> list[Quantity]:
    """Every figure in a normalised clause, with its sign, money marker and readability."""
    out: list[Quantity] = []
    for m in _POWER.finditer(t):  # "10^999": a power without a mantissa
        exp = m.group("exp")
        ok = len(exp.lstrip("-")) <= 3 and abs(int(exp)) <= MAX_EXPONENT
        out.append(Quantity(10.0 ** int(exp) if ok else None, m.start(), m.end(), m.group(0),
                            refused="" if ok else "exponent"))
    for m in _UNREADABLE.finditer(t):  # a power too large or too small to be any count
        out.append(Quantity(None, m.start(), m.end(), "that number", refused="exponent" if TOO_LARGE in m.group(0)
                            else "tiny" if TOO_SMALL in m.group(0) else "unclear"))
    taken = [(q.start, q.end) for q in out]
    for m in _NUMBER.finditer(t):
        if any(s <= m.start() < e for s, e in taken):
            continue
        nxt = t[m.end():m.end() + 1]
        if nxt.isalpha() and not m.group("suf") and not m.group("cur2"):
            # digits glued to letters: a unit such as "300ms"/"10x" is kept, anything else is not a figure
            unit = re.match(r"(ms|s|sec|secs|x|h|hrs?|min|mins)\b", t[m.end():m.end() + 5])
            if not unit:
                continue
        value, why = _value(m)
        neg = bool(m.group("neg") or m.group("neg2")) and not re.search(r"\d\s?$", t[max(0, m.start() - 3):m.start()])
        q = Quantity(value, m.start(), m.end(), m.group(0).strip(), money=bool(m.group("cur") or m.group("cur2")
                     or m.group("suf") == "grand"), negative=neg, refused=why)
        if neg and value is not None:
            q.refused = "negative"
        out.append(q)
    out.sort(key=lambda q: q.start)
    return _ranges(t, out)


def _shared_scale(low: float, high: float) -> float:
    """"between 2 and 5 thousand" reaches us as 2 and 5000: the scale of the second applies to the first."""
    if high < 1000 or low <= 0 or high / low < 100:
        return low
    for scale in (1e9, 1e6, 1e3):
        if high % scale == 0 and high / scale < 1000:
            return low * scale if low < high / scale else low
    return low


def _ranges(t: str, qs: list[Quantity]) -> list[Quantity]:
    """Join "2 and 5 thousand", "10-20k", "between 100 and 500" into one quantity (geometric middle)."""
    out: list[Quantity] = []
    i = 0
    while i < len(qs):
        a = qs[i]
        if i + 1 < len(qs) and a.value is not None and qs[i + 1].value is not None and not a.refused \
                and not qs[i + 1].refused:
            b = qs[i + 1]
            gap = t[a.end:b.start]
            if re.fullmatch(r"\s?(?:and|to|-|or)\s?", gap):
                low, high = _shared_scale(a.value, b.value), b.value
                before = t[max(0, a.start - 9):a.start]
                if 0 < low < high and high / low <= 1000 and (
                        gap.strip() != "or" or high / low <= 10) and (gap.strip() != "and" or "between" in before):
                    mid = math.sqrt(low * high)
                    digits = len(str(int(mid)))
                    mid = float(round(mid, -max(0, digits - 2)))  # two significant figures
                    out.append(Quantity(mid, a.start, b.end, t[a.start:b.end], money=a.money or b.money,
                                        approx=True))
                    i += 2
                    continue
        out.append(a)
        i += 1
    return out
