"""Lexicons: the phrases that carry each categorical fact (need, goal, freshness, cost, ceiling, citations,
permissions, privacy, stage, priority) and the intents. Domain knowledge, ours; every pattern is a bounded
alternation of literals (no nested unbounded repetition), so each runs in linear time.
"""

from __future__ import annotations

import re

# ------------------------------------------------------------------------------------------ lexicons
# Strong words count 2, weak ones 1: "based on our moderation policy" should not outweigh "classification".
_KNOWLEDGE = re.compile(
    r"\b(docs?|documentation|documents|knowledge( base)?|kb|wiki|faqs?|catalog(ue)?s?|manuals?|handbooks?|confluence|"
    r"sharepoint|notion|zendesk|intranet|google drive|pull(?:s|ing)? from|"
    r"answer (questions|qs)|questions about|look(ing)? up|quote from|pricing sheet|price list|rate card|lookups?|contracts|regulations|research papers|articles|"
    r"inventory|internal data|q ?& ?a|know about|knows? our|help ?cent(er|re)|runbooks?|case law|filings)\b")
_KNOWLEDGE_WEAK = re.compile(
    r"\b(document|polic(y|ies)|product (info|information|data|details)|facts?|specs|specifications|our data|"
    r"information|guidelines|records|article|contract)\b")
_BEHAVIOUR = re.compile(
    r"\b(tone|voice|style|styles|format|formats|formatting|json|schema|structured output|templates?|classify|"
    r"classif\w*|categori[sz]\w*|route|routing|triage|intents?|extract\w*|pars(e|ing)|entities|rewrite|"
    r"write like|sound like|brand|persona|sql|code generation|dsl|behaviou?r|moderat\w*|sentiment|spam|"
    r"tag(ging|s|ged)?)\b")
_BEHAVIOUR_WEAK = re.compile(
    r"\b(fields|consistent(ly)?|convert\w*|transform\w*|skill|reasoning pattern|summari[sz]\w* in|"
    r"label(l)?ing each|template)\b")
_GOALS = [
    ("classification", re.compile(r"\b(classif\w*|categori[sz]\w*|rout(e|ing)|triage|intents?|spam|sentiment|tag(ging)? |"
                                  r"tags? (?:\w+ ){0,4}(?:by|as|with|into)|sort(?:s|ing)? (?:\w+ ){0,3}into|"
                                  r"(?:put|puts|assign|assigns) (?:\w+ ){0,3}(?:into|to) (?:a |the |one of )"
                                  r"(?:\d+ )?(?:queues?|buckets?|categor\w+|classes|labels?))")),
    ("extraction", re.compile(r"\b(extract\w*|pars(e|ing)|fields|entities|structured (output|data)|json|convert\w*|"
                              r"pulls? out|pulling out|picks? out|reads? (?:\w+ ){0,3}and (?:pulls?|picks?|gets?) |"
                              r"\d+-field|fixed (structure|schema|format|template)|fill (a|the|our) (form|template|"
                              r"structure|schema)|"
                              r"transform\w*|sql)\b")),
    ("style", re.compile(r"\b(tone|voice|style|brand|persona|writing style|copy ?writing|marketing copy)\b")),
    ("major", re.compile(r"\b((?:new|novel) (?:\w+ )?skill|reasoning skill|no (?:base|off[- ]the[- ]shelf|general) "
                         r"models? (?:does|do|can|handles?)|expert judg\w+|"
                         r"domain[- ]specific reasoning|medical coding|legal analysis|reasoning patterns?|"
                         r"new skill|major behaviou?r)\b")),
    ("qa", re.compile(r"\b(answer(s|ing)? (?:[\w']+ ){0,3}(questions|qs)|q ?& ?a|support (bot|assistant|agent)|chat ?bot|"
                      r"assistant over|(?:they|people|staff|users|agents|employees|we) ask (?:it|the bot|the assistant) "
                      r"(?:what|how|why|where|when|whether|about|questions)|ask(?:s|ing)? (?:it )?questions about|"
                      r"docs assistant|(?:answers?|explains?) what (?:\w+ ){1,4}means?|(?:staff|people|users|employees|agents|"
                      r"customers|they|we) ask (?:it )?(?:about|questions)|"
                      r"questions about)\b")),
]
_FRESHNESS = [
    ("realtime", r"\breal[- ]?time (data|updates|information|prices|pricing|inventory|stock)|in real[- ]?time|every (few )?"
                 r"(minutes?|seconds?|hours?)|\bhourly\b|constantly|continuously|all the time|by the minute|"
                 r"intraday|\blive (data|prices|inventory|feeds?)"),
    ("daily", r"\bdaily\b|most days|every day or so|every (single )?day|each day|every morning|every night|nightly|every few days|"
              r"(several|multiple|a few) times a week|every 2 days|every couple of days"),
    ("weekly", r"\bweekly\b|most weeks|every week or so|every (other |few |couple of )?weeks?|each week|once a week|\bbiweekly\b|fortnightly|every sprint|"
               r"every 1 week|every 2 weeks|twice a month"),
    ("monthly", r"\bmonthly\b|every (few |couple of |other )?months?|each month|once a month|quarterly|"
                r"every quarter|a few times a year"),
    ("yearly", r"\byearly\b|annually|every year|once a year|twice a year|every 2 years"),
    ("static", r"\brarely\b|barely (ever )?chang|hardly (ever )?chang|hardly ever|\bseldom\b|almost never|"
               r"never chang|(doesn't|does not|don't|do not|won't|will not) (really )?change|\bstatic\b|\bstable\b|"
               r"\bfixed\b|frozen|set in stone|unchanging|pretty much the same|historical|not often|not much|"
               r"very little|(rarely|seldom) updated|for (years|a year|(?<!\d)\d+ years)|(hasn't|haven't|has not|have not) "
               r"changed|same for (years|a year)|locked"),
]
_CHANGE_CONTEXT = re.compile(r"\b(?:chang|updat|refresh|revis|edit|publish|add(ed)?|new|rotate|evolv|stale|gets? old|"
                             r"outdated|out of date|land|move|"
                             r"release|ship|moves?|data|docs?|document|prices?|catalog|polic|content|info|"
                             r"knowledge|rules|taxonom|inventory|schedule|menu|rates|intents|labels|categor|classes|tags|"
                             r"fields|schema|format|voice|style|guide|queues)")
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
    r"costs? matters?|tight budget|(?:cost|price|the bill|money|budget) (?:is|are) (?:a )?(?:big|huge|major|real|serious) "
    r"(?:deal|concern|issue|factor)|budget(?:'s| is) (?:very |really |pretty |quite )?(?:tight|limited|small|modest)|"
    r"(?:can'?t|cannot) spend (?:much|a lot)|(?:needs? to|has to|must|should) be cheap|keep it cheap|"
    r"cheap(?:er)? is (?:the priority|better|key)|as cheap as possible|cheapest|too expensive|"
    r"(?:bill|cost|costs|price|spend)\b.{0,20}\b(?:killing|eating|hurting|too high|painful|a problem)|"
    r"(?:something|much|a lot|far) cheaper|want (?:it|that|the bill|costs?) (?:lower|down)|"
    r"(?:bring|get|keep) (?:it|that|the bill|costs?|spend) down|(?:reduce|cut|lower) (?:the |our )?(?:cost|bill|spend)|"
    r",\s*(?:but\s)?(?:the )?(?:cost|bill|price|money) (?:is|does)\W*$|"
    r"cost[- ]sensitive|every (cent|penny)|keep costs? (down|low)|low budget|limited budget|small budget|"
    r"can't afford|cannot afford|margins?|cost is key|cost-conscious|on a budget|budget matters|pricey|"
    r"watch(ing)? (the |our )?(spend|costs?)|bill matters|money matters|costs? (a lot|too much)")
_COST_LOW = re.compile(
    r"cost (doesn't|does not|isn't|is not|won't be) (really )?(matter|a concern|an issue|a problem)|money is no object|"
    r"budget (is not|isn't) (an issue|a concern|a problem)|not cost[- ]sensitive|cost is fine|plenty of budget|"
    r"(don't|do not) care (much )?about (the )?cost|cost is secondary|cost is not a (concern|constraint)|"
    r"budget is (generous|large|fine|not a constraint)|well funded|unlimited budget|no budget constraints?")
_COST_MED = re.compile(r"\b(moderate(ly)?|reasonable|somewhat|medium) (budget|cost|cost-sensitive|sensitive)|"
                       r"cost matters moderately|matters moderately|"
                       r"cost matters a bit|cost matters somewhat|within reason")
_COST_SOFT = re.compile(r"\bbut (?:it'?s |that'?s )?not (?:the )?(?:make or break|main (?:thing|concern|driver)|top "
                       r"(?:concern|priority)|biggest|critical|everything|deal[- ]?breaker|end of the world)|"
                       r"\bmoderately\b|a fair (?:amount|bit)|\bsomewhat\b|\ba bit\b|to some (?:extent|degree)|"
                       r"not the top (?:concern|priority)|within reason")
_CEILING = [
    ("format", re.compile(r"ignor\w* (?:our|the|my) (?:output |required |expected )?(?:format|schema|template|"
                          r"structure)|(inconsistent|unreliable|broken|invalid|malformed|wrong) (format|formats|formatting|json|"
                          r"schema|structure|output)|(json|schema|format|output)\b.{0,30}\b(malformed|invalid|broken)|breaks? the (json|schema|format)|(?:the |our |its |output )(json|schema|output format|format)\b.{0,12}\b(breaks?|broke|is off|goes wrong|comes out wrong|is wrong|fails? to parse)|(doesn't|does not|don't|won't) "
                          r"(follow|stick to|respect) (the|our) (format|schema|template)|format (is |keeps )?"
                          r"(inconsistent|drifting|breaking)|formats? (come|comes) out (inconsistent|wrong|different)|"
                          r"gets? the (format|json|schema|structure|fields) wrong")),
    ("drift", re.compile(r"(slides?|slips?|falls?|drifts?|goes|reverts?) back (into|to)|(keeps?|kept|keep on) drifting|\bdrifts?\b|drifting|off[- ]brand|sounds generic|generic tone|"
                         r"(inconsistent|not consistent) (tone|voice|style|behaviou?r|results|outputs?|answers)|"
                         r"inconsistent|(doesn't|does not|won't) (stay|keep) (in|on)|ignores? (the|our) instructions|"
                         r"(prompt|prompting|prompts) (isn't|is not|aren't|are not|wasn't|weren't) (enough|working|"
                         r"cutting it|reliable)|hit (a|the) (ceiling|wall)|constantly tweaking|keep tweaking|"
                         r"edge cases keep")),
    ("accuracy", re.compile(r"(?:accuracy|precision|recall|f1|quality|score)\b.{0,25}\b(?:sits|is|hovers|stuck|stays|"
                            r"plateaus?|plateaued|tops out|maxes out|at|around)\b.{0,20}\bpct\b.{0,40}\b(?:need|want|"
                            r"target|require|goal|should be)|"
                            r"(accuracy|quality|precision|recall|f1|performance) (is |was |are )?(stuck|plateau\w*|"
                            r"short|too low|not good enough|not there|below|capped|only)|\bstuck at \d|"
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
                          r"multi[- ]tenant|role[- ]based|rbac|only sees? (their|its) own|entitlements?|"
                          r"their own (data|documents|accounts)|(user|customer)[- ]specific|can only see|"
                          r"(matter|ethical|chinese|information) walls?|need[- ]to[- ]know (?:basis|access)|on a need[- ]to[- ]know|"
                          r"staffed on|(?:must|should|can|may) (?:never|not|only) (?:see|access|view|read)|"
                          r"(?:see|get|access|have access to|view) different (?:documents|docs|data|content|things|files|"
                          r"information|records|parts)|"
                          r"(?:only|just) (?:see|sees|access|accesses|view|views|get|gets) (?:their|its|his|her) "
                          r"(?:own|\w+'s?|team|region|department|region's|team's)|differs? (?:per|by) (?:user|role|team|"
                          r"person|customer|client|region))\b")
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
    r"cloud with an agreement|under (an|a|our|the) (enterprise )?(agreement|dpa|contract|baa)|"
    r"can go to (a|the) (cloud|hosted|vendor)|"
    r"(fine|ok|okay|happy|good) (with|using) (a |the |an )?(cloud|hosted|vendor|third[- ]party)( \w+)?( api| model| service)")
_PRIVACY_NONE = re.compile(r"no (special |particular )?(privacy |data )?(constraints?|concerns?|requirements?|issues?|"
                           r"restrictions?|rules)|\bpublic(?! cloud| api| endpoint| sector| compan| holiday| transport| health)\b|published (?:info|information|material|content|data)|"
                           r"public data|nothing (sensitive|confidential|private)|not (sensitive|confidential)|"
                           r"open data|publicly available|(privacy|data) (isn't|is not) (a|an) (concern|issue)")
_STAGE_PROTO = re.compile(r"prototyp\w*|proof[- ]of[- ]concept|\bpoc\b|\bmvp\b|hackathon|just (exploring|"
                          r"experimenting|starting( out)?|testing|trying)|early (stage|days)|experiment(ing)?\b|"
                          r"side project|figuring (it|things) out|(haven't|have not|not yet) (built|"
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
_DONE = re.compile(r"^\s*(bye|goodbye|quit|exit|done|that'?s all(?: from me| for now| for today)?(?:,? thanks| thank you|"
                   r" cheers)?|that is all|nothing else|no more questions|"
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




# ------------------------------------------------------------------------------------------ additions
_CORRECTION_START = re.compile(r"^\W*(?:(?:hmm+|um+|uh+|oh|ah|ok|okay|well|argh|ugh)\W+)*(?:no|nope|nah|oops|whoops|"
                               r"wait|sorry)\b\W{0,3}(?:(?:no|wait)\W{0,3})?")
_CORRECTION_WORDS = re.compile(r"\b(?:actually|i meant|i mean|make that|mistyped|mis-typed|typo|scratch that|"
                               r"correction|not \d|more like|i was wrong|wrong,)\b")
_QUESTION_CUE = re.compile(r"\btl;? ?dr\b|\bin plain (?:words|english|terms|language)\b|\bshort version\b|"
                           r"\bbottom line\b|\bsummar(?:y|ise|ize|ised|ized)\b|\bsum (?:it|that|this) up\b|"
                           r"\bexplain (?:it |that |this )?(?:simply|plainly|like|in simple|in plain|to me)\b|\beli5\b|"
                           r"\bin a nutshell\b|\b(?:the )?(?:gist|upshot|verdict)\b|\bkeep it simple\b|"
                           r"\bsimple (?:terms|words|version|explanation)\b|\bwhat counts as\b|\bwhat do you mean\b")
_CORRECTION = re.compile(r"\b(actually|correction|i meant|i mean|scratch that|sorry,|let me correct|to correct|"
                         r"my mistake|my bad|misspoke|mis-spoke|should'?ve said|should have said|let me rephrase|"
                         r"to clarify|let me fix|got (?:that|it) wrong|i was off|that was wrong|"
                         r"on second thought|change that|i was wrong|not quite|make that|mistyped|mis-typed|"
                         r"typo|oops|no wait)\b")
_WHATIF = re.compile(r"\bwhat if\b|\bwhat about if\b|\bhow about if\b|^\W*and if\b|^\W*if we\b|\bsuppose\b|"
                     r"\bsupposing\b|\bhypothetical(?:ly)?\b|\bwould (?:anything|it|that|things|the (?:answer|"
                     r"recommendation|advice|verdict|pick|strategy)) (?:change|be different|still hold|look) (?:if|with|at)\b|"
                     r"\b(?:how much|what) would (?:it|this|that|the \w+) cost (?:at|with|if|for)\b|"
                     r"\bre-?run (?:it |this |that |the numbers )?(?:with|assuming|at|for|using|on)\b|"
                     r"\b(?:what|how) would (?:it|this|that|the \w+) look (?:like )?(?:if|at|with)\b|"
                     r"^\W*(?:(?:hmm+|ok|so|and)\W+)?(?:what|how) about (?:\$?\d|a |an |twice|double|half|triple|ten|"
                     r"\d+\s?x)|^\W*say (?!,)|\bin (?:a|the) (?:scenario|case) where\b|^\W*(?:suppose|supposing|imagine|"
                     r"hypothetically|say we|say the|say it|say our|let'?s say)\b|what then\W*$|"
                     r"^\W*(?:(?:and|but|ok|so)\W+)?(?:at|with) (?:(?<!\d)\d+(?:\.\d+)?\s?x|twice|double|half|triple|ten times)\b|"
                     r"\bwhat would (?:it|happen|change|the \w+ be)\b|"
                     r"\bhow would (?:things|it|that|the recommendation|the answer|this) change\b|"
                     r"\bwould (?:it|that|the answer|the recommendation) change if\b|\bin a world where\b|"
                     r"\bwhat happens (?:if|when|at)\b")
_ADOPT = re.compile(r"^\W*(?:(?:ok(?:ay)?|yes|yeah|great|good|sounds good|alright|right|fine)\W+)?(?:then\W+)?"
                    r"(?:let'?s )?(?:go with (?:that|it|this|the what-if|that one)|let'?s do (?:that|it|this)|"
                    r"do (?:that|it) then|adopt (?:that|it|this|the what-if)|use (?:that|this)(?: scenario| one| instead)?|"
                    r"apply (?:that|it)|make (?:that|it) (?:so|official|the plan|real)|switch to (?:that|it)|"
                    r"take (?:that|it)|keep (?:that|it)|that'?s (?:the plan|what we'?ll do)|lock (?:that|it) in)"
                    r"(?:\W+(?:then|please|thanks))?\W*$")

_ADOPT_IN = re.compile(r"\b(?:go with (?:that|it|this)|let'?s do (?:that|it|this)|adopt (?:that|it|this)|"
                       r"lock (?:that|it|this) in|make (?:the|that|this) (?:\w+ )?(?:scenario|what-?if|one) (?:the real one|"
                       r"real|official|the plan|stick)|(?:^|\W)(?:yes|yep|yeah|ok|okay|sure)\W+assume (?:the|that|those|"
                       r"it)\b|switch to (?:that|the) (?:scenario|one|what-?if)|take (?:that|the) (?:scenario|what-?if)|"
                       r"use that (?:scenario|one|instead)|make (?:that|it) (?:official|the plan)|switch to that|"
                       r"lock (?:that|it) in)\b")

_FRESH_EXPLICIT = [
    ("realtime", r"\bintraday\b|by the minute|every (?:few )?(?:minutes?|seconds?|hours?)\b|\bhourly\b|"
                 r"\bin real[- ]?time\b|real[- ]?time (?:data|updates|information|prices|pricing|inventory|stock|feeds?)|"
                 r"\blive (?:data|prices|inventory|feeds?)|several times a day|many times a day|multiple times a day"),
    ("daily", r"\bdaily\b|most days|every day or so|every (?:single |business |working |week)?day\b|each (?:business |working )?day|"
              r"every weekday|each weekday|every morning|every night|nightly|every few days|"
              r"(?:several|multiple|a few|2|3|4|5|6|a couple of|couple of|a couple) (?:times|changes|updates) "
              r"(?:a|per) week|(?<!\d)\d+ (?:changes|updates|edits) (?:a|per) week|every 2 days|every couple of days|"
              r"within a day|once a day|a day or so|day to day"),
    ("weekly", r"\bweekly\b|most weeks|every week or so|every (?:other |few |couple of )?weeks?\b|each week|once a week|\bbiweekly\b|fortnightly|"
               r"every (?:2|two) weeks|each sprint|every sprint|twice a month|once or twice a month|"
               r"(?:2|3|a couple of|a few) times a month|every 1 week"),
    ("monthly", r"\bmonthly\b|every (?:few |couple of |other |2 |3 )?months?\b|each month|once a month|quarterly|"
                r"every quarter|each quarter|a few times a year|several times a year|(?:2|3|4) times a year|"
                r"once a quarter|every (?:release|season)"),
    ("yearly", r"\byearly\b|annually|every year|each year|once a year|twice a year|every (?:2|two) years|"
               r"once every few years|per year|an annual|(?:a few|a couple of|some|occasional|minor|small) (?:tweaks|"
               r"changes|edits) (?:a|per) year|(?:1|2|3|one|two|three|an?) (?:tweak|change|edit|update|revision)s? (?:a|per|each) year"),
]
_DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_FRESH_EXPLICIT += [
    ("realtime", r"\bwithin (?:a few |an? )?(?:hours?|minutes?)\b|\bminute[- ]to[- ]minute\b|\bhour[- ]to[- ]hour\b"),
    ("daily", r"\bmon(?:day)?\s?(?:-|to|through|thru)\s?fri(?:day)?\b|\bweekdays\b|\bevery weekday\b|"
              r"\b(?:a few|a couple of|couple of|some|\d+) (?:edits|changes|updates|tweaks|fixes) (?:a|per|each) day\b|"
              r"\bday[- ]by[- ]day\b"),
    ("weekly", rf"\b(?:every|each|on|most|all) (?:{_DAYS})s?\b|\b(?:{_DAYS})s\b|\bonce (?:a|per) week\b"),
    ("monthly", r"\b(?:once |twice )?(?:per|a|each|every) quarter\b|\bquarter(?:ly)?[- ]end\b|\bmonth[- ]end\b|"
                r"\bwhen (?:finance|accounting) closes\b"),
    ("yearly", r"\bannual\b|\b(?:spring|summer|autumn|fall|winter) \w+ and an? (?:spring|summer|autumn|fall|winter)\b|"
               r"\bonce every (?:year|twelve months|12 months)\b|\bevery (?:couple of|few|2|two|3|three|several) years\b"),
]
_FRESH_EXPLICIT_RE = [(v, re.compile(p)) for v, p in _FRESH_EXPLICIT]
_FRESH_VAGUE = [
    ("realtime", re.compile(r"\bconstantly\b|\bcontinuously\b|all the time|non-?stop|around the clock|"
                            r"\bevery (?:second|minute)\b|real[- ]?time\b")),
    ("static", re.compile(
        r"\brarely\b|barely (?:ever )?chang|hardly (?:ever )?chang|hardly ever|(?:barely|hardly) (?:ever )?(?:moves?|budges?|shifts?)\b(?! the needle)|\bseldom\b|almost never|never chang|"
        r"(?:doesn't|does not|don't|do not|won't|will not) (?:really )?change|\bstatic\b|\bstable\b|\bfixed\b|"
        r"frozen|set in stone|unchanging|pretty much the same|historical|not often|very little|"
        r"(?:rarely|seldom) updated|(?:hasn't|haven't|has not|have not) changed|"
        r"same for (?:years|a year)|\blocked\b|nothing (?:here |in it |there )?(?:goes stale|changes|gets updated)|"
        r"never goes stale|doesn't go stale|^\W*never\b|basically never|set by (?:statute|law|regulation)|"
        r"^\W*not much\b|(?:doesn't|does not) change much|once in a blue moon|next to never|practically never|"
        r"(?:never|hardly ever|rarely) (?:goes|gets) (?:stale|out of date|old)|(?:doesn'?t|does not|won'?t|never) "
        r"(?:go|goes|get|gets) (?:stale|out of date|old)|(?:goes|go|is|are) (?:out of date|stale) (?:never|rarely)")),
    ("realtime", re.compile(r"(?:^|, ?|\b(?:levels?|prices?|data|stock|inventory|feeds?|numbers)\W{1,3})live\W*$|"
                            r"(?:^|, ?)live (?:updates|feed|data|stock|prices)")),
]
_FRESH_LATER = re.compile(r"\b(?:but|in practice|realistically|really|actually|though|in reality|truthfully)\b")

_CITE = re.compile(
    r"\b(?:cite|cites|cited|citing|citations?|footnotes?|provenance|traceab\w*|attribut\w+ (?:to|the|each)|"
    r"(?:show|list|include|give|link|name|return|display|with|add|need|want|require)s?\s(?:the\s|its\s|their\s|"
    r"our\s|a\s|links? to\s(?:the\s)?)?(?:sources?|references?)(?!\s(?:documents?|docs|data|files|code|material|"
    r"text|systems?|pdfs?))|sources? (?:must|should|need to|have to) be "
    r"(?:shown|cited|listed|linked|given)|link(?:s|ing)? (?:back )?to (?:the )?(?:source|policy|clause|doc|document|"
    r"article|page|section)|link (?:the|each|every) (?:source|policy|clause|doc|document|answer)|"
    r"show where (?:it|the answer|answers) came from|where (?:the|an) answer came from|"
    r"(?:users?|people|they|readers|agents|customers|reviewers|auditors) (?:can|could|must be able to|need to be "
    r"able to|have to be able to|want to|should be able to) (?:check|verify|trace|see where)|"
    r"(?:the )?(?:clause|section|source) (?:must|has to|needs to) be (?:cited|quoted|named|referenced)|"
    r"(?:audit|compliance) (?:trail|requires? (?:the )?sources?)|grounded (?:in|with) (?:sources|citations))")
_PEOPLE_CITE = re.compile(r"\b(?:we|lawyers|attorneys|our (?:\w+ )?(?:team|staff|people|analysts|lawyers|writers|"
                          r"editors|researchers|doctors|engineers)|they|people|researchers|analysts|writers|editors)"
                          r"(?: \w+)?\s$")
_CITE_SKIP = re.compile(r"\bdata sources?\b|\bsources? of (?:truth|data)\b|open[- ]source|\bsourcing\b")

_PRIORITY = [
    ("quality", re.compile(
        r"quality (?:is|comes) (?:everything|first|above all|king|paramount|non-negotiable|the (?:top |main |only )?"
        r"priority|what matters)|(?:accuracy|quality|correctness) (?:matters )?more than (?:anything|cost|speed|price|"
        r"latency)|(?:quality|accuracy|correctness) over (?:cost|speed|price|latency)|rather pay more|"
        r"(?:correctness|accuracy) (?:is|comes) (?:everything|first|king|paramount|the (?:top |main )?priority)|"
        r"(?:getting (?:it|the answers?|things) right|right answers?|correct answers?) (?:is|matters|counts) "
        r"(?:far |much |a lot |way )?(?:more|most|everything)|can'?t afford (?:mistakes|errors|to be wrong|"
        r"wrong answers)|(?:quality|accuracy) (?:is )?(?:the )?(?:top|number one|#1|first|main) priority|"
        r"(?:quality|accuracy) above (?:all|everything|cost)|whatever it takes to be (?:right|accurate)")),
    ("cost", re.compile(
        r"cheap(?:est)? (?:option )?(?:is the priority|wins|first|above all)|cost (?:is|comes) first|"
        r"(?:cost|price|budget) is the (?:top |main |number one |#1 )?priority|cheapest (?:option|thing) wins|"
        r"minimi[sz]e cost above|cost above (?:all|everything)")),
    ("speed", re.compile(
        r"speed is (?:the )?(?:top |main |number one |#1 )?priority|(?:speed|latency) (?:is|comes) first|"
        r"(?:speed|latency) above (?:all|everything)|fast(?:est)? (?:is|wins|above all)|"
        r"(?:speed|latency) (?:matters )?more than (?:anything|quality|cost)")),
]
_CEILING_MORE = [
    ("vendor", re.compile(
        r"(?:vendor|provider|openai|anthropic|google|they|the api)\b.{0,40}\b(?:updated|changed|swapped|deprecated|"
        r"replaced|retired|upgraded|silently changed) (?:the |their |its )?(?:underlying )?(?:model|version|api)|"
        r"(?:hosted |vendor'?s? |provider'?s? |underlying )?model (?:got |was |gets )?(?:silently |quietly )?"
        r"(?:updated|changed|swapped|deprecated|retired) (?:under us|on us|and|,|overnight)|"
        r"after the (?:model|api|vendor|provider) (?:update|upgrade|change|swap)|"
        r"prompts? (?:broke|stopped working|regressed) (?:when|after) (?:the )?(?:vendor|provider|model|api)|"
        r"model (?:update|change|swap|version change) (?:broke|ruined|tanked|hurt)|can'?t pin (?:the|a|it)")),
    ("retrieval", re.compile(
        r"(?:retrieval|\brag\b|search|retriever|vector (?:search|db|store)|semantic search)\b.{0,80}?"
        r"(?:only (?:handles?|works? for|answers?|copes? with|gets?|manages?) (?:the )?(?:simple|easy|basic|"
        r"straightforward|single|one-hop)|fine for (?:the )?(?:simple|easy|basic) (?:questions|lookups|ones)|"
        r"(?:misses|fails on|falls over on|breaks on|can'?t handle|struggles with|chokes on) (?:anything|questions|"
        r"queries|the hard|the complex|multi)|can'?t (?:answer|handle|do) (?:questions|queries|anything) (?:that|which) "
        r"(?:span|need|combine|require|cross|touch) (?:several|multiple|two|many|more than one)|"
        r"complex (?:questions|queries) (?:still )?(?:fail|break|fall))|"
        r"(?:simple|easy|basic) (?:questions|lookups|ones) (?:work|are fine)\b.{0,60}\b(?:but|yet)\b|"
        r"(?:retrieval|\brag\b|search)\b.{0,40}\bfine for (?:simple |easy )?lookups\b")),
    ("cost", re.compile(
        r"too (?:expensive|costly|pricey) to (?:run|scale|serve|use|keep)|way too (?:expensive|costly|pricey)|"
        r"(?:cost|price|bill|spend)\b.{0,50}\b(?:impossible|prohibitive|can'?t afford|rules? (?:it )?out|"
        r"not viable|unsustainable|kills (?:it|us|the)|too high to)|costs? more than (?:the feature|it|we) "
        r"(?:earns?|makes?|brings?|saves?)|can'?t afford to (?:run|keep|scale)|(?:cost|bill) is (?:killing|eating)|unit economics (?:don'?t|do not|doesn'?t|won'?t) work|"
        r"(?:doesn'?t|don'?t|won'?t) pencil out|"
        r"(?:accuracy|quality|it|results?|output) (?:is|are|works?) (?:great|fine|good|solid|excellent)\W{0,3} but "
        r"(?:the )?(?:volume|cost|price|bill|scale)\b")),
]
_DIRECTIONS = [
    ("budget_usd", "less", re.compile(
        r"budget(?:'s| is)? (?:\w+ )?(?:limited|tight|small|modest|low|shoestring|minimal)|(?:can'?t|cannot|won'?t) "
        r"spend (?:much|a lot|more than a little)|(?:small|tight|limited|shoestring|modest|tiny) budget|"
        r"not (?:much|a lot of) (?:money|budget|cash)|(?:little|no real) budget")),
    ("budget_usd", "more", re.compile(
        r"deep pockets|money is no object|(?:generous|big|large|healthy|decent) budget|plenty of (?:budget|money|cash)|"
        r"budget (?:is )?(?:generous|large|big|healthy|not an issue|not a problem|no object)|well[- ]funded")),
    ("examples", "more", re.compile(
        r"(?:big|large|huge|massive|sizeable|sizable|decent|good|substantial|giant|enormous) (?:labell?ed |annotated )?"
        r"(?:set|dataset|data set|pile|amount|number|collection|archive|history|corpus of examples|backlog)|"
        r"(?:lots|loads|tons|plenty|heaps) of (?:labell?ed |annotated )?(?:examples|pairs|data|tickets|history)|"
        r"years (?:and years )?of (?:resolved |labell?ed |historical |past )?(?:tickets|data|examples|history|logs)")),
    ("examples", "less", re.compile(
        r"not (?:many|much|a lot)|a small (?:pile|set|number|amount|batch)|very few|barely any|hardly any|"
        r"only a (?:few|couple|handful)|a tiny (?:set|number|amount)|(?:a |only a )?modest (?:set|number|amount|pile|"
        r"batch)|(?:it'?s|is|are|still) (?:quite |pretty |very |really )?(?:small|tiny|limited)\b|nowhere near")),
    ("examples", "more", re.compile(
        r"\b(?:big|large)-?ish\b|\bbiggish\b|\blargish\b|(?:respectable|decent|healthy|fair|sizeable|sizable) (?:pile|"
        r"amount|number|set|chunk|collection|backlog)|more than you'?d (?:think|expect)|(?:data ?set|set|corpus|archive|collection) of labell?ed "
        r"\w+ (?:is|are) (?:quite |pretty |very |really )?(?:large|big|huge|sizeable|substantial)|"
        r"(?:^|\W)(?:quite |pretty |very |really )?(?:large|big|huge|sizeable|substantial)\W*$")),
    ("volume_month", "less", re.compile(
        r"\ba trickle\b|\btrickle of\b|\bnow and then\b|(?:hardly|barely|almost) (?:any|no) (?:traffic|requests|"
        r"queries|usage|users|calls)|\bonce in a while\b|\boccasional(?:ly)? (?:use|queries|requests)|"
        r"not (?:a lot of|much|many|a ton of|heavy|huge|high) (?:traffic|volume|requests|usage|load|calls|queries|use)|"
        r"^\W*not much\b|\blow (?:volume|traffic|usage|load)|light (?:traffic|usage|load)|modest (?:volume|traffic|usage)|"
        r"(?:volume|traffic|usage|load) is (?:modest|low|light|small|tiny)|internal tool|few requests|"
        r"(?:handful|couple) of (?:users|requests|people)|small (?:volume|user base|audience)")),
    ("volume_month", "more", re.compile(
        r"(?:tons|lots|loads|heaps) of (?:requests|traffic|calls|queries|messages|usage|users)|"
        r"heavy (?:traffic|usage|load|volume)|(?:high|huge|massive|large|big) (?:volume|traffic|scale|load)|"
        r"(?:volume|traffic) is (?:high|huge|massive|large|big)|\bat scale\b|(?:a lot|lots|loads|tons) of (?:requests|"
        r"queries|calls|messages|traffic)|every customer,? every day|^\W*(?:massive|huge|enormous|big|high|heavy)\W*$|"
        r"^\W*(?:massive|huge|enormous)\W")),
    ("latency_ms", "less", re.compile(
        r"(?:should|must|has to|have to|needs to|need to) be (?:quick|fast|snappy|responsive|speedy)|quick (?:answers|"
        r"responses|replies)|fast (?:answers|responses|replies)|\binteractive\b|\blow latency\b|latency matters|"
        r"\bsnappy\b|\bimpatient\b|\bno (?:one|body) (?:wants|likes) to wait|(?:answers|replies|responses) (?:have|need|"
        r"must) to be (?:quick|fast)|as fast as possible|\bspeedy\b")),
    ("latency_ms", "more", re.compile(
        r"(?:the )?slow(?:er)? (?:end )?is (?:fine|ok|okay|acceptable)|(?:can|could|happy to|expect to|don'?t mind "
        r"(?:to )?) wait (?:a bit|a while|a little|for)|(?:take|takes) (?:a while|its time)|not time[- ]sensitive")),
]
_SCALE_WORDS = re.compile(
    r"\b(twice|double|doubled|doubling|triple|tripled|tripling|half|halved|halving|quadruple|ten times|10 times|"
    r"100 times|a hundred times|(?<![\d.])(\d+(?:\.\d+)?)\s?(?:x|times))\s(?:the\s|our\s|as much\s|as many\s|more\s)?"
    r"(?:current\s)?(\w+)")
_SCALE_FIELD = {"volume": "volume_month", "traffic": "volume_month", "requests": "volume_month",
                "load": "volume_month", "usage": "volume_month", "calls": "volume_month", "queries": "volume_month",
                "users": "volume_month", "messages": "volume_month", "tickets": "volume_month",
                "examples": "examples", "labelled": "examples", "labeled": "examples", "pairs": "examples",
                "data": "examples", "training": "examples", "budget": "budget_usd", "spend": "budget_usd"}
_SCALE_FACTOR = {"twice": 2, "double": 2, "doubled": 2, "doubling": 2, "triple": 3, "tripled": 3, "tripling": 3,
                 "half": 0.5, "halved": 0.5, "halving": 0.5, "quadruple": 4, "ten times": 10, "10 times": 10,
                 "100 times": 100, "a hundred times": 100}


def scale_from_noun(r, noun: str, factor: float) -> None:
    name = _SCALE_FIELD.get(noun)
    if name and factor > 0:
        r.scale[name] = float(factor)


_SCALE_VERB = re.compile(
    r"\b(volume|traffic|requests|load|usage|calls|queries|users|messages|tickets|examples|labelled|labeled|pairs|data|"
    r"budget|spend)\s(?:\w+\s)?(doubles|doubled|doubling|triples|tripled|tripling|halves|halved|quadruples|quadrupled|"
    r"(?:grows|grew|goes up|went up|increases|increased|jumps|jumped|rises|rose|spikes|spiked|drops|dropped|falls|fell|"
    r"goes down|went down|shrinks|shrank|decreases|decreased|is cut|were cut|was cut)\s(?:by\s)?(?:(\d+(?:\.\d+)?)\s?"
    r"(x|times|%|percent)|(\d+(?:\.\d+)?)\s?(?:x|times)))")
_DOWN = ("drop", "fall", "fell", "down", "shrink", "shrank", "decrease", "cut", "half", "halv")


def _scale_verb(m: re.Match) -> float | None:
    verb = m.group(2)
    fixed = {"doubles": 2, "doubled": 2, "doubling": 2, "triples": 3, "tripled": 3, "tripling": 3, "halves": 0.5,
             "halved": 0.5, "quadruples": 4, "quadrupled": 4}
    if verb in fixed:
        return float(fixed[verb])
    down = any(w in verb for w in _DOWN)
    if m.group(3):
        n = float(m.group(3))
        if m.group(4) in ("%", "percent"):
            return 1 - n / 100 if down else 1 + n / 100
        return 1 / n if down and n else n
    if m.group(5):
        n = float(m.group(5))
        return 1 / n if down and n else n
    return None


def read_scale(r, t: str, digits: str = "") -> None:
    for m in _SCALE_VERB.finditer(digits or t):  # "traffic drops by 80%", "volume doubles"
        factor = _scale_verb(m)
        name = _SCALE_FIELD.get(m.group(1))
        if factor and 0 < factor and name and name not in r.scale:
            r.scale[name] = factor
    for m in _SCALE_WORDS.finditer(t):
        factor = float(m.group(2)) if m.group(2) else _SCALE_FACTOR.get(m.group(1))
        name = _SCALE_FIELD.get(m.group(3))
        if factor and name and name not in r.scale:
            r.scale[name] = float(factor)
    if re.search(r"\b(?:we )?doubled the (\w+)", t) and not r.scale:
        name = _SCALE_FIELD.get(re.search(r"\bdoubled the (\w+)", t).group(1))
        if name:
            r.scale[name] = 2.0
    if not r.scale and not r.facts:  # "what about 100x?": a bare multiple is a multiple of the traffic
        m = re.search(r"(?<![\w.])(\d+(?:\.\d+)?)\s?x\b(?!\s?\w)|\b(twice|double|triple|ten times)\b(?!\s\w)", t)
        if m:
            r.scale["volume_month"] = float(m.group(1)) if m.group(1) else float(_SCALE_FACTOR[m.group(2)])


_NEGATOR = re.compile(r"\b(?:no|not|don't|dont|doesn't|doesnt|never|without|nor|neither|isn't|aren't|won't|"
                      r"needn't|nobody|nothing|none|zero)\b|n't\b")


def negated(t: str, start: int, span: int = 28) -> bool:
    """A negator in the few words before ``start``, within the same clause part (a comma or 'but' ends it)."""
    window = t[max(0, start - span):start]
    cut = max(window.rfind(","), window.rfind(" but "), window.rfind(" just "), window.rfind(" only "))
    if cut >= 0:
        window = window[cut + 1:]
    return bool(_NEGATOR.search(window))


def read_clause(r, t: str, quote: str, pending: str | None) -> None:
    """Categorical facts in one normalised clause ``t``; ``quote`` is the user's words."""
    _freshness(r, t, quote, pending)
    if pending in (None, "need") and not re.search(r"\bstyle, format or\b", t):  # the quick reply lists goals
        for goal, pattern in _GOALS:
            m = pattern.search(t)
            if m and "goal" not in r.facts and not negated(t, m.start()):
                r.set("goal", goal, quote)
    if _COST_LOW.search(t) or re.search(r"rather pay more", t):
        r.set("cost_sensitivity", "low", quote)
    elif _COST_HIGH.search(t) and _COST_SOFT.search(t):
        r.set("cost_sensitivity", "medium", quote)
    elif _COST_HIGH.search(t):
        r.set("cost_sensitivity", "high", quote)
    elif _COST_MED.search(t):
        r.set("cost_sensitivity", "medium", quote)
    for value, pattern in _PRIORITY:
        if pattern.search(t) and "priority" not in r.facts:
            r.set("priority", value, quote)
            if value == "cost" and "cost_sensitivity" not in r.facts:
                r.set("cost_sensitivity", "high", quote)
    _ceiling(r, t, quote)
    m = _CITE.search(t)
    if m and m.group(0) in ("cite", "cites", "cited", "citing") and _PEOPLE_CITE.search(t[max(0, m.start() - 40):m.start()]):
        m = None  # "our lawyers cite case law all day": people citing, not the answers
    if m and not _CITE_SKIP.search(t[max(0, m.start() - 12):m.end() + 12]):
        post = re.match(r"\s?(?:are|is|were|was|be)?\s?(?:n't|not|never|no longer) (?:really )?(?:needed|required|"
                        r"necessary|a must|important|a requirement|mandatory|expected)|\s?(?:aren't|isn't|are not|is not|"
                        r"won't be|weren't|wasn't|were not|was not)\b",
                        t[m.end():m.end() + 40])
        r.set("citations", not (negated(t, m.start(), 40) or post), quote)
    elif re.search(r"\b(?:drop|dropped|dropping|remove|removed|removing|skip|skipped|waive|waived|lose|lost|without|"
                   r"no longer (?:need|have|require)) (?:the |our |any )?(?:citations?|sources?)(?: requirement| rule)?\b", t):
        r.set("citations", False, quote)
    elif re.search(r"\b(?:don'?t|doesn'?t|do not|does not|never|nobody|no one|no-one)\b (?:really )?(?:care|cares|need to "
                   r"know|needs to know|need to see|needs to see|ask|asks|check|checks) where (?:an |the |each )?"
                   r"(?:answers?|replies|information|info|it) (?:comes?|came) from", t):
        r.set("citations", False, quote)
    elif re.search(r"\b(?:citations?|cite|sources?)\b", t) and not _CITE_SKIP.search(t) and re.search(
            r"\bno need\b|\bdon'?t need\b|\bnot (?:needed|required|necessary)\b|\baren'?t (?:needed|required)|"
            r"\bnobody (?:checks|cares|looks)", t):
        r.set("citations", False, quote)
    m = _PERMISSIONS.search(t)
    if m:
        r.set("permissions", not negated(t, m.start(), 40), quote)
    elif re.search(r"everyone sees the same|all users see the same|same (?:data|docs|content) for (?:everyone|all)|"
                   r"no differences? between (?:users|people|teams)|see all (?:the )?\w+", t):
        r.set("permissions", False, quote)
    strict = _PRIVACY_STRICT.search(t)
    cloud_ok = _PRIVACY_STANDARD.search(t) or re.search(r"(?:cloud|hosted|api)\b.{0,30}\b(?:is |are )?(?:fine|ok|okay)\b|"
                                                         r"\b(?:is|are) approved\b|\bour own (?:azure |aws |gcp )?"
                                                         r"(?:tenant|subscription|account)\b", t)
    refused_cloud = None
    if cloud_ok and not strict and negated(t, cloud_ok.start(), 16):
        refused_cloud, cloud_ok = cloud_ok, None  # "we're not fine with a cloud API"
    if strict and cloud_ok and re.fullmatch(r"(?:(?:data|eu|us) )?residency|regulated", strict.group(0)):
        strict = None  # "cloud is ok under our agreement, with EU residency": a cloud API, kept in region
    if strict and negated(t, strict.start(), 30) and not _STRICT_SELF_NEG.search(t):
        strict = None  # "we don't need on-prem", "doesn't have to be self-hosted"
        cloud_ok = cloud_ok or True
    if _STRICT_SELF_NEG.search(t) or _NO_CLOUD.search(t):
        strict = strict or _STRICT_SELF_NEG.search(t) or _NO_CLOUD.search(t)
    strict = strict or refused_cloud
    if strict and not re.search(
            r"\b(?:no|not|don't|doesn't|does not|do not)\b (?:need|have) to stay|doesn't have to stay|"
            r"(?:don't|doesn't|do not|does not) need to be (?:on[- ]?prem|self[- ]hosted)", t):
        r.set("privacy", "strict", quote)
    elif cloud_ok or re.search(r"doesn't have to stay|(?:no|not|don't|doesn't) (?:need|have) to stay", t):
        r.set("privacy", "standard", quote)
    elif _PRIVACY_NONE.search(t) or re.search(r"all public|public (?:material|info|information|docs|content)", t):
        r.set("privacy", "none", quote)
    prod = _STAGE_PROD2.search(t)
    if _STAGE_NOT_YET.search(t):
        r.set("stage", "prototype", quote)  # "we aren't in production yet", "not live yet"
    elif prod and not negated(t, prod.start(), 20):
        r.set("stage", "production", quote)
    elif _STAGE_PROTO.search(t) or _STAGE_PROTO2.search(t):
        r.set("stage", "prototype", quote)
    _corpus_words(r, t, quote, pending)
    _directions(r, t, pending)
    _latency_words(r, t, quote, pending)


_STAGE_PROD2 = re.compile(
    r"in production|in prod\b|production[- ](?:system|traffic|app|service|grade|ready)|already (?:live|shipped|"
    r"launched)|serving (?:customers|users|clients)|live (?:product|system)|went live|gone live|we'?re live|"
    r"at scale today|pilot(?: [\w']+){0,4} (?:is |was |has )?(?:over|done|finished|ended|complete|wrapped)|(?:out of|after|past) "
    r"(?:the )?pilot|pilot wrapped|(?:beta|trial) (?:is |has )?(?:wrapped|over|done|ended|finished)|now it ships|"
    r"it ships|shipping (?:it )?to|launching to (?:everyone|all|customers)|rolling (?:it )?out (?:company[- ]wide|"
    r"to (?:everyone|all|customers|every))|(?:we|we'?ve|we have|i) (?:\w+ )?rolled (?:it |this )?out|rolled (?:it |this )?"
    r"out to (?:everyone|all|customers|users|the (?:whole )?company|every|\d)|in use (?:by|across)|"
    r"(?:it'?s|has been|been|we'?re|we are|went|gone|going|go) live\b|live (?:since|for (?:a|about|over|\d|the past|"
    r"months|years|weeks)|in (?:production|prod)|at \d)\b|\bga\b|"
    r"generally available|(?:we|we'?ve|we have|i) shipped\b(?! (?:a |an |the |our )?(?:prototype|pilot|demo|poc|beta))|"
    r"(?<!not )\blaunched\b(?! (?:to |with |in )?(?:a |the |our |an )?(?:pilot|poc|prototype|beta|trial|alpha|internal|"
    r"private|closed|small|limited|friendly|handful|test))|"
    r"shipped (?:it |this )?to (?:\d+|all|our|every|some|a)|(?:in|to) prod\b|\bprod (?:since|for|traffic)|"
    r"shipped (?:it )?to (?:all |our |every )?(?:customers|users|everyone|clients)|been running (?:since|for)|"
    r"running in prod")


_STRICT_SELF_NEG = re.compile(  # strict phrases that carry their own negation
    r"\bnothing (?:\w+ )?(?:leaves|goes out(?! of date)|goes outside|gets out|leaves the building)|"
    r"\b(?:data|it|anything|nothing) (?:can'?t|cannot|must not|mustn'?t|may not|won'?t|never) (?:leave|go out|go outside|"
    r"leave the building)|\bnot (?:allowed|permitted) (?:to )?(?:leave|go out|use (?:a |the )?cloud|send)")
_NO_CLOUD = re.compile(r"\b(?:cloud|external apis?|saas|third[- ]party (?:apis?|models?)|openai|hosted apis?)\W{0,3}"
                       r"(?:is )?(?:no way|not allowed|not an option|forbidden|out of the question|a no[- ]go|banned|off the "
                       r"table|never)\b|\bno (?:cloud|external|third[- ]party) (?:at all|whatsoever|allowed)\b")
_STAGE_NOT_YET = re.compile(
    r"(?:\bnot|n't|\bnever) (?:yet |even )?(?:live|in production|in prod|launched|shipped|released|deployed|generally "
    r"available|ga)\b|\b(?:beta|alpha) (?:testers|users|customers|only|group)\b|"
    r"\bnot (?:yet )?(?:live|launched) yet\b|\bpre[- ]?(?:launch|production|release|revenue)\b|"
    r"\b(?:haven'?t|have not|hasn'?t|has not) (?:\w+ )?(?:launched|shipped|gone live|released|deployed)\b")
_STAGE_PROTO2 = re.compile(r"\bidea stage\b|\bnothing (?:is |has been )?built\b|\bjust an idea\b|\bin a notebook\b|"
                           r"\bsandbox\b|\bstill (?:a |in )?(?:pilot|beta|"
                           r"testing|building)\b|\bdemo (?:stage|only|for now)\b|\bjust a demo\b")
_STRONG_CHANGE = re.compile(r"chang|updat|refresh|revis|stale|edit|publish|new version|rotat|evolv|moves?\b|"
                            r"outdated|out of date")


_ACTIVE_USERS = re.compile(r"\b(?:daily|weekly|monthly) active (?:users|customers|people)|\b(?:dau|wau|mau)s?\b")


_POST_NEG = re.compile(r"\W{0,2}(?:[a-z]+\W+){0,2}?(?:is|are|was|were)(?:n't| not)\b(?! only)")
_FRESH_GATE = re.compile(
    r"dai|week|month|year|annual|hour|minute|second|\bday|night|morning|quarter|season|spring|summer|autumn|fall|"
    r"winter|monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekday|\bmon\b|sprint|release|real[- ]?time|"
    r"\blive\b|constant|continu|non-?stop|clock|rare|seldom|never|static|stable|fixed|frozen|stone|chang|same|"
    r"histor|often|little|locked|stale|old|date|statute|law|regulation|much|moon|intraday|biweekly|fortnight|twice|"
    r"once|times|cadence|\bno\b|\bnope\b|\bnah\b|all the time|edit|update|tweak|fix|hardly|barely|ever|not much")


def _freshness(r, t: str, quote: str, pending: str | None) -> None:
    if "freshness" in r.facts and r.facts["freshness"][2:] == ():
        pass
    if not _FRESH_GATE.search(t):
        return  # no word of time or change: nothing here says how often the knowledge changes
    t = _ACTIVE_USERS.sub(" active users ", t)  # "3k daily active users" counts people, not a change rate
    context = pending == "freshness" or r.correction or _CHANGE_CONTEXT.search(t)
    if not context:
        return
    if re.search(r"(?<!\d)\d+\s(?:\w+\s){0,2}(?:requests?|queries|calls|messages|tickets|emails|chats)\b", t):
        return  # "10k requests a day" is volume, not freshness
    found: list[tuple[int, str, bool]] = []
    for value, pattern in _FRESH_EXPLICIT_RE:
        for m in pattern.finditer(t):
            found.append((m.start(), value, True))
    for value, pattern in _FRESH_VAGUE:
        m = pattern.search(t)
        if m and (pending == "freshness" or _STRONG_CHANGE.search(t)) and not _POST_NEG.match(t[m.end():m.end() + 30]):
            found.append((m.start(), value, False))
    if not found:
        return
    explicit = sorted(f for f in found if f[2] and not re.search(r"(?:\bnot|n't|rather than|instead of)\s$",
                                                                   t[max(0, f[0] - 12):f[0]]))
    if explicit:
        later = _FRESH_LATER.search(t)
        pick = explicit[0]
        if later:
            after = [f for f in explicit if f[0] > later.start()]
            if after:
                pick = after[0]
        value = pick[1]
    else:
        value = sorted(found)[0][1]
    prev = r.facts.get("freshness")
    prev_explicit = getattr(r, "_fresh_explicit", False)
    if prev is None or (explicit and (not prev_explicit or _FRESH_LATER.search(t) or r.correction)):
        r.set("freshness", value, quote)  # an explicit bucket beats a vague word; the first bucket named stays
        r._fresh_explicit = bool(explicit)


def _ceiling(r, t: str, quote: str) -> None:
    for kind, pattern in _CEILING_MORE:
        if pattern.search(t):
            r.set("ceiling", kind, quote)
            return
    if _CEILING_NONE.search(t) and not re.search(r"\b(but|except)\b", t):
        r.set("ceiling", "none", quote)
        return
    for kind, pattern in _CEILING:
        m = pattern.search(t)
        if m:
            r.set("ceiling", kind, quote)
            return
    if _CEILING_TRIED.search(t) and re.search(r"\b(but|not|isn't|doesn't|fails?|failing|struggl)", t):
        r.set("ceiling", "accuracy", quote)


def _corpus_words(r, t: str, quote: str, pending: str | None) -> None:
    if "corpus" in r.facts and not (r.corpus_counted and r.facts["corpus"][0] == "large"):
        return
    if r.corpus_counted:  # "about 40k tokens total, it all fits in one prompt": their words beat our estimate
        if _FITS.search(t) and not negated(t, _FITS.search(t).start()):
            r.set("corpus", "small", quote)
        return
    large = _LARGE_WORDS.search(t)
    if large and (pending == "corpus" or re.search(r"prompt|context|docs|documents|pages|files|pdfs|articles|content|"
                                                    r"wiki|manuals|knowledge|corpus|contracts|material", t)):
        r.set("corpus", "large", quote)  # "way more than fits in a prompt": said before "fits" can be read as small
    elif re.search(r"fits? (?:in|into) (?:a|the|one) (?:prompt|context|system prompt)|a (?:few|couple of) pages|"
                 r"one[- ]pager|single page|short (?:list|document|faq|guide)|small (?:faq|document|set of (?:rules|"
                 r"facts))|a page or two|handful of (?:facts|rules|pages)|few paragraphs|\b[1-3]-page\b|"
                 r"short list of|(?:a|one|two|a couple of|a few) paragraphs?|(?:stuff|put|paste|include|send|cram)\w* "
                 r"(?:the |our )?(?:whole|entire|full) \w+ (?:in|into) (?:every|each|the) (?:single )?(?:call|prompt|"
                 r"request)|nowhere near (?:a|one) prompt", t):
        r.set("corpus", "small", quote)
    elif pending == "corpus" and re.search(r"^\W*(?:huge|massive|enormous|big|large)\W*$", t):
        r.set("corpus", "large", quote)
    elif re.search(r"too (?:big|large|much) (?:for|to fit)|(?:won't|doesn't|does not|wouldn't|will not|can't) fit|"
                   r"more than (?:a|one|1|any) (?:prompt|context window) (?:can )?(?:hold|fit|take)|"
                   r"(?:huge|massive)(?= (?:corpus|archive|collection|library|knowledge|wiki|amount of (?:docs|content|"
                   r"text|material)))|"
                   r"entire (?:wiki|knowledge base|archive|intranet)|large (?:corpus|knowledge base|archive|collection)|"
                   r"(?:lots|loads|tons|a lot|quite a lot|plenty|a mountain|mountains|piles?|heaps?|stacks?|a boatload|"
                   r"a truckload|a ton) of (?:\w+ )?(?:docs|documents|content|pages|material|files|pdfs|articles|"
                   r"manuals|reports|contracts)|"
                   r"(?<!\d)\d{3,} (?:\w+ )?(?:docs|documents|pages|articles|files|pdfs|manuals|policies)"
                   r"(?! ?(?:a|per|each|every|/) ?(?:day|week|month|year|hour))", t):
        r.set("corpus", "large", quote)


_LARGE_WORDS = re.compile(
    r"(?:way |far |much |a lot |lots )?more than (?:(?:a|one|1|any)(?: single)? )?(?:prompt|context(?: window)?)"
    r"(?:'s worth)?(?: \w+){0,3} (?:hold|fit|take|handle)|(?:way |far |much )?more than (?:\w+ )?fits? (?:in|into)|"
    r"(?:way |far )?too (?:big|large|much|long) (?:for|to fit|to paste|to put|to stuff|to include|to send)|"
    r"every (?:contract|document|doc|file|report|policy|ticket|email|article|manual|page)s? (?:since|ever|we have|"
    r"we'?ve)|(?:decades|years) (?:and years )?(?:of|worth of) (?:docs|documents|contracts|reports|filings|archives?|"
    r"records|manuals|content)")
_FITS = re.compile(r"\bfits? (?:\w+ ){0,2}(?:in|into) (?:a|the|one|our|a single) (?:prompt|context|system prompt)")


def _directions(r, t: str, pending: str | None) -> None:
    for name, way, pattern in _DIRECTIONS:
        if name in r.directions:
            continue
        if name == "examples" and pending != "examples" and not re.search(r"label|example|pairs|annotat", t):
            continue
        if name == "latency_ms" and pending != "budget" and not re.search(r"answer|respon|repl|latenc", t):
            continue
        if name == "volume_month" and way == "less" and pending != "budget" and not re.search(
                r"traffic|volume|requests|usage|load|calls|queries|users", t):
            continue
        if pattern.search(t):
            r.directions[name] = way


def _latency_words(r, t: str, quote: str, pending: str | None) -> None:
    if "latency_ms" in r.facts:
        return
    if pending == "freshness":
        return  # under the freshness question, "real-time" and "live" speak of the data, not of answers
    if re.search(r"\b(?:instant(?:ly|aneous)?|blazing|feel instant|real[- ]?time (?:responses?|replies|"
                 r"answers))\b", t) and not re.search(r"(?:n't|not|no need to) (?:have to |need to )?(?:be |feel )?"
                                                       r"instant", t):
        r.set("latency_ms", 300, quote)
    elif (pending == "budget" or re.search(r"latenc|respon|answer|repl|wait|speed|turnaround|results back|"
                                           r"real[- ]?time", t)) and \
            re.search(r"\b(?:batch|overnight|offline processing|async(?:hronous)?|no latency (?:requirement|constraint)s?|"
                   r"latency (?:doesn't|does not|isn't|is not) (?:matter|a concern|an issue|important)|"
                   r"not latency[- ]sensitive|can wait|minutes are fine|no rush|no hurry|not in a hurry|"
                   r"not (?:urgent|time[- ]critical)|next day is fine|in the background|background (?:job|task|process)|"
                   r"(?:speed|latency|response time) (?:doesn't|does not|isn't|is not|won't) (?:really )?(?:matter|"
                   r"a concern|an issue|important))\b", t):
        r.set("latency_ms", 60_000, quote)


# Ceilings the engine must hear, read as a combination of parts anywhere in the message rather than as set
# phrases: a retrieval step already in place + questions it fails on (hard, multi-document) or handles only when
# simple; a cost + a verdict that rules it out; a vendor's model change + harm or a "since/until" marker.
_R_SYSTEM = re.compile(r"\b(?:rag|retrieval|retriever|vector (?:search|db|store|index|database)|semantic search|"
                       r"embeddings?|(?:chunked|indexed) and embedded|embedded|top-?\d+ chunks|chunks|search step|"
                       r"(?:we|it) (?:already )?index(?:es)?|search (?:is|was) (?:in place|set up|live|there)|"
                       r"(?:keyword|hybrid|elastic|bm25) search|(?:the|our) search|search engine|"
                       r"(?:bot|assistant) (?:handles|answers|gets))\b")
_R_SIMPLE = re.compile(r"\b(?:simple|easy|easier|basic|shallow|straightforward|(?:single|one)[- ](?:fact|doc\w*|hop|page)|"
                       r"one[- ]liners?|one[- ]hop|faq[- ]level|(?:quick )?lookups?|factoid|direct)\b")
_R_HARD = re.compile(r"\b(?:multi[- ]?(?:hop|step|part|doc\w*|page|source)|cross[- ]cutting|complex|complicated|"
                     r"hard(?:er)? (?:ones|questions|qs|queries|stuff)|hard questions|compar\w+|aggregat\w+|"
                     r"synthes\w+|spans?|spanning|across (?:several|multiple|many|two|three|different|the|all)|"
                     r"combin\w+|more than one (?:page|doc\w*|source|article|policy|file)|"
                     r"(?:two|three|several|multiple|many|different) (?:pages|docs|documents|sources|articles|policies|"
                     r"files|manuals|sections)|reason\w* (?:over|across)|nuanced|deep(?:er)? questions|"
                     r"anything (?:more|harder|deeper|beyond)|follow[- ]up questions|joins?)")
_R_FAIL = re.compile(r"\b(?:fail\w*|garbage|wrong|flubs?|flubbed|chok\w*|hopeless|falls? (?:over|apart|down|flat)|"
                     r"miss\w*|can'?t|cannot|struggl\w*|half[- ]right|never|breaks?|broken|problem|useless|bad|poor|"
                     r"weak|only ever|only|mess|nonsense|off|not (?:good|great|reliable)|doesn'?t work|no good|junk|"
                     r"sideways|coin ?flip|hit[- ]or[- ]miss|hit[- ]and[- ]miss|unreliable|flaky|shaky|spotty|lost|"
                     r"confused|gives up|wrong)\b")
_COST_WORD = re.compile(r"\b(?:costs?|bill|bills|spend|spending|price|pricing|expensive|pricey|costly|money|"
                        r"budget|invoice|tokens? costs?|per[- ]call|per[- ]request|unit economics)\b|\$\s?\d")
_COST_VERDICT = re.compile(r"\b(?:unsustainable|not sustainable|non[- ]?starter|prohibitive|can'?t continue|cannot "
                           r"continue|can'?t keep|can'?t justify|too (?:much|high|expensive|costly|pricey)|"
                           r"exceed\w*|over (?:budget|forecast)|blew|blown|through the roof|out of control|"
                           r"(?:find|need|want|looking for) (?:a |something )?cheaper|doesn'?t scale|won'?t scale|"
                           r"kill(?:s|ing)? (?:it|us|the|our)|rules? (?:it )?out|not viable|can'?t afford|cannot afford|"
                           r"the problem|is the issue|a problem|flagged|eating (?:us|our|the)|burns? (?:more|through)|"
                           r"more than (?:the|it|we|each|a) \w+ (?:is worth|earns?|makes?|brings?)|"
                           r"(?:make|making) the numbers work|numbers (?:don'?t|do not|won'?t) work|"
                           r"ate (?:our|the)|crippling|painful|(?:way |far )?(?:beyond|above|more than|exceeds?) what "
                           r"(?:this|the|it|our) (?:\w+ )?(?:brings? in|earns?|makes?|is worth|generates?|saves?))\b")
_COST_SELF = re.compile(r"\b(?:make|making|get|getting) the (?:numbers|economics|maths?|math) (?:to )?work\b|"
                        r"\b(?:numbers|economics|maths?) (?:don'?t|do not|won'?t|doesn'?t) (?:work|add up)|"
                        r"\bburns? more than\b|\bmore than (?:the|a|each|it|one) \w+ is worth\b|"
                        r"\bcosts? (?:us )?more than (?:the|it|we|each|a) \w+ (?:earns?|makes?|brings?|saves?|is worth)")
_V_VENDOR = re.compile(r"\b(?:vendor|provider|openai|anthropic|google|azure|aws|bedrock|vertex|mistral|cohere|"
                       r"they|their|the api|api|hosted model|the model|model provider)\b")
_V_CHANGE = re.compile(r"\b(?:updated|updates?|changed|changes|pushed|rolled out|swapped|deprecat\w+|retired|"
                       r"retiring|moved|upgraded|replaced|sunset\w*|new (?:\w+ )?(?:snapshot|version|release|model))\b")
_V_MODEL = re.compile(r"\b(?:model|models|snapshot|version|deployment|checkpoint|weights|api)\b")
_V_HARM = re.compile(r"\b(?:broke|broken|breaks?|stopped working|mess|worse|dropped|drop|tanked|regress\w*|"
                     r"different\w*|shift\w*|failing|fails?|redo|(?:don'?t|doesn'?t|didn'?t) work|no longer|went from|"
                     r"roll(?:ing)? back|can'?t pin|pinned|overnight|off|wrong|weird|garbage|until|till|since|after|"
                     r"ever since|anymore|any more)\b")


def _compositional_ceiling(r, t: str, quote: str) -> None:
    have = r.facts.get("ceiling", ("",))[0]
    if have in ("retrieval", "cost", "vendor"):
        return
    sysm = _R_SYSTEM.search(t)
    if sysm and not negated(t, sysm.start(), 20) and _R_HARD.search(t) and (_R_SIMPLE.search(t) or _R_FAIL.search(t)) \
            or sysm and re.search(r"\bonly (?:ever )?(?:\w+ ){0,3}(?:simple|easy|shallow|basic)", t):
        r.set("ceiling", "retrieval", quote)
        return
    if _COST_SELF.search(t):
        r.set("ceiling", "cost", quote)
        return
    cost = _COST_WORD.search(t)
    if cost and _COST_VERDICT.search(t) and not re.search(r"\b(?:labell?ing|label) (?:cost|budget|spend)", t):
        r.set("ceiling", "cost", quote)
        return
    change = _V_CHANGE.search(t)
    if change and _V_VENDOR.search(t) and _V_MODEL.search(t) and _V_HARM.search(t) and re.search(
            r"\b(?:vendor|provider|openai|anthropic|google|azure|aws|bedrock|vertex|they|their|hosted|api)\b", t):
        r.set("ceiling", "vendor", quote)


_QUALITY = r"(?:quality|accuracy|correctness|being (?:right|correct|accurate)|getting (?:it|things|the answers?) right|" \
           r"(?:right|correct|accurate|good) answers?|precision|the answers? (?:being )?(?:right|correct|accurate))"
_QUALITY_FIRST = re.compile(
    rf"{_QUALITY}\W{{0,3}}(?:is |comes |matters )?(?:beats|trumps|wins|>|over|above|before|first|most|is king|king|paramount|"
    r"non[- ]?negotiable|is everything|everything|matters most|is what matters|above all|the (?:top|main|number one|#1|"
    r"most important|only|first) (?:thing|priority|concern|goal)|is (?:the )?(?:top|main|number one|#1|first|most "
    r"important) (?:thing|priority|concern))|"
    rf"(?:most important|number one thing|number one priority|top priority|priority one|#1 priority|main thing|"
    rf"what matters most|all that matters|only thing that matters)\W{{1,3}}(?:(?:is|for us|here|to us)\W{{1,3}})*"
    rf"(?:the )?{_QUALITY}|"
    r"rather (?:be|pay|wait|go)\b.{0,40}\b(?:right|correct|accurate)|"
    r"(?:take|accept|choose|prefer|pick|live with|fine with|happy with|okay with|ok with) (?:a |the )?(?:slower|pricier|"
    r"more expensive|costlier|higher[- ]cost|bigger)\b.{0,50}\b(?:if|as long as|so long as|provided|when)\b.{0,30}\b"
    r"(?:right|correct|accurate|reliable)|what matters (?:most|above all) (?:is|:)\W{0,2}(?:getting|being|the)|"
    r"getting it right (?:is|matters) (?:what matters )?(?:most|above all|first)|"
    r"(?:pay|spend|wait)\b.{0,30}\b(?:if|as long as|so long as|provided)\b.{0,30}\b(?:right|correct|accurate|"
    r"bulletproof|reliable)|"
    r"as long as (?:the )?(?:answers?|it|results?|outputs?) (?:are|is) (?:right|correct|accurate|bulletproof|reliable)|"
    r"(?:a )?wrong answers? (?:costs?|hurts?|is (?:far |much |way )?worse|is (?:a )?(?:disaster|unacceptable|"
    r"expensive)|can'?t happen)|can'?t (?:afford|risk) (?:mistakes|errors|to be wrong|wrong answers|getting it wrong)")
_COST_DONT_CARE = re.compile(
    r"(?:cost|costs|money|price|pricing|budget|the bill|spend|spending)\W{0,3}(?:is |are |and speed\W{0,3}|"
    r"and latency\W{0,3})?(?:(?:n't|not|isn'?t|aren'?t|is not|are not) (?:really |so |that |too |very |much (?:of )?)?"
    r"(?:a |an )?(?:huge |big |major |real |great |serious |main |primary |top )?(?:concern|issue|problem|constraint|"
    r"priority|factor|big deal|deal|important|an object|a worry)|"
    r"whatever|secondary|doesn'?t matter|don'?t matter)|"
    r"(?:nobody|no one|we don'?t|don'?t)\W{0,3}(?:\w+\W+){0,2}cares? (?:much |about )?(?:about )?(?:the )?"
    r"(?:cost|bill|price|money|spend)|"
    r"(?:pay|spend) (?:whatever|what it takes|more|10x|extra|a premium|double)|(?:we'?ll|we will|happy to|willing to) pay|"
    r"(?:pricier|more expensive|costlier)\b.{0,20}\bany day|"
    r"deep pockets|money is no object|budget is (?:not|no) (?:an )?(?:issue|object|constraint)")
def read_message(r, t: str, quote: str, pending: str | None) -> None:
    """Message-level readings: ceilings that span clauses, the need, answers relative to the pending question."""
    if "ceiling" not in r.facts or r.facts["ceiling"][0] in ("accuracy", "drift", "none"):
        for kind, pattern in _CEILING_MORE:
            if pattern.search(t):
                r.set("ceiling", kind, quote)
                break
    _compositional_ceiling(r, t, quote)
    if "priority" not in r.facts and _QUALITY_FIRST.search(t) and not negated(t, _QUALITY_FIRST.search(t).start(), 16):
        r.set("priority", "quality", quote)
    if "cost_sensitivity" not in r.facts or r.facts["cost_sensitivity"][0] != "low":
        m = _COST_DONT_CARE.search(t)
        if m and not re.search(r"not that (?:we )?(?:don'?t|do not)", t) and (
                "priority" in r.facts and r.facts["priority"][0] == "quality" or "cost_sensitivity" not in r.facts):
            r.set("cost_sensitivity", "low", quote)
    if re.search(r"not that (?:we )?(?:don'?t|do not) care", t):
        r.set("cost_sensitivity", "high", quote)  # "it's not that we don't care about cost. we care a lot"
    if r.facts.get("ceiling", ("",))[0] == "cost" and "cost_sensitivity" not in r.facts and re.search(
            r"\b(?:too (?:much|expensive|costly|pricey|high)|unsustainable|not sustainable|non[- ]?starter|prohibitive|"
            r"can'?t continue|cannot continue|cheaper|exceed\w*|the problem|flagged|kills?|killing|not viable)\b", t):
        r.set("cost_sensitivity", "high", quote)
    _need(r, t, quote, pending)
    _relative_to_pending(r, t, quote, pending)
    if r.facts.get("cost_sensitivity", ("",))[0] == "high" and _COST_SOFT.search(t) and \
            r.facts.get("ceiling", ("",))[0] != "cost":
        r.set("cost_sensitivity", "medium", r.facts["cost_sensitivity"][1])  # "matters, but not the main thing"


_FOCUS = re.compile(r"\b(?:bot|it|model|assistant|tool|system|llm|thing)\s(?:only|just|mainly|mostly|simply|primarily)\s")


def _need(r, low: str, text: str, pending: str | None) -> None:
    explicit = re.search(r"(?:^\W*|\b(?:it'?s|it is|its|we need|mostly|mainly|primarily|really|a|more|definitely)\s+"
                         r"(?:about\s+|a\s+)?)(both|knowledge|behaviou?r)\b", low)
    if explicit and negated(low, explicit.start(1), 20):
        explicit = None
    if re.match(r"\W*both\b", low) or (re.search(r"\bboth\b", low) and pending == "need") or \
            (explicit and explicit.group(1) == "both"):
        r.set("need", "both", text)
        r.explicit.add("need")
        return
    if explicit:
        r.set("need", "knowledge" if explicit.group(1) == "knowledge" else "behaviour", text)
        r.explicit.add("need")
        return
    if pending not in (None, "need") and not (r.correction and pending is not None):
        return  # word choice in an answer to another question is not a statement of the need
    focus = _FOCUS.search(low)
    if focus:  # "our lawyers cite case law all day; the bot only drafts emails": what the bot does is the need
        low = low[focus.start():]
    k = sum(2 for m in _KNOWLEDGE.finditer(low) if not negated(low, m.start())) + \
        sum(1 for m in _KNOWLEDGE_WEAK.finditer(low) if not negated(low, m.start()))
    b = sum(2 for m in _BEHAVIOUR.finditer(low) if not negated(low, m.start())) + \
        sum(1 for m in _BEHAVIOUR_WEAK.finditer(low) if not negated(low, m.start()))
    if re.search(r"\bknowledge:", low):
        k += 6
    if re.search(r"\bbehaviou?r:", low):
        b += 6
    no_knowledge = re.search(r"(?:facts|information|info|everything|all it needs)\W{0,3}(?:is|are) (?:all )?(?:already )?"
                             r"in the (?:input|email|message|request|ticket|text|prompt)|the (?:input|email|message|"
                             r"ticket|text) itself has everything|\bno (?:knowledge base|docs|documents|documentation|corpus|inside knowledge|internal "
                             r"knowledge|domain knowledge|special knowledge)\b|not a knowledge (?:problem|thing)|"
                             r"needs? no (?:\w+ )?knowledge|(?:don't|do not) want it to look (?:anything|things) up|"
                             r"nothing to look up", low)
    if no_knowledge:
        k = 0
        if pending == "need":
            b = max(b, 2)
    if k == 0 and b == 0 and pending == "need" and r.facts.get("goal", ("",))[0] in ("extraction", "classification",
                                                                                       "style", "major"):
        b = 2  # "it reads shipping labels and pulls out the weight": a task skill
    if k >= 2 and b >= 2 and max(k, b) <= 2 * min(k, b):
        value = "both"
    elif k > b:
        value = "knowledge"
    elif b > k:
        value = "behaviour"
    else:
        return
    r.set("need", value, text)


def _relative_to_pending(r, low: str, raw: str, pending: str | None) -> None:
    if _UNSURE.search(low) and not r.facts:
        return
    yes, no = bool(_YES.match(low)), bool(_NO.match(low))
    if pending == "citations":
        if no and "citations" not in r.facts:
            r.set("citations", False, raw)
            if re.search(r"\bneither\b", low) or re.fullmatch(r"\W*(?:no|nope|nah|no to both|not really)\W*", low):
                r.set("permissions", False, raw)  # a bare "no" answers both halves of the question
        elif yes and "citations" not in r.facts:
            r.set("citations", True, raw)
        if re.search(r"not (?:really )?(?:required|needed|necessary|a must|mandatory)|\boptional\b|nice[- ]to[- ]have|"
                     r"would be nice", low) and "permissions" not in r.facts:
            r.set("citations", False, raw)
        if "citations" in r.facts and "permissions" not in r.facts and re.search(r"\bneither\b", low):
            r.set("permissions", False, raw)
    elif pending == "privacy" and "privacy" not in r.facts:
        if yes:
            r.set("privacy", "strict", raw)
        elif no:
            r.set("privacy", "standard", raw)
    elif pending == "examples" and "examples" not in r.facts:
        if no or re.search(r"\bnone\b|\bzero\b|\bnothing (?:labell?ed|yet|so far)\b|no (?:labell?ed |training )?"
                           r"(?:data|examples|pairs)\b|no training pairs|(?:don't|do not) have any|nothing labell?ed|"
                           r"not a single|no labels", low):
            r.set("examples", 0, raw)
            r.directions.pop("examples", None)
    elif pending == "freshness" and "freshness" not in r.facts and no:
        r.set("freshness", "static", raw)
    elif pending == "corpus" and "corpus" not in r.facts:
        small = re.search(r"\b(?:small|tiny|short|little)\b", low)
        if small and negated(low, small.start(), 16):
            r.set("corpus", "large", raw)  # "definitely not a small amount"
        elif re.search(r"\b(?:whole|entire|full) (?:\w+ )?(?:archive|library|database|corpus|wiki|knowledge base|intranet|"
                       r"history|back catalogue|catalog)", low):
            r.set("corpus", "large", raw)
        elif re.search(r"\b(?:small|tiny|short|little)\b|\bno (?:knowledge base|corpus|documents|docs|reference data)\b|"
                     r"nothing to (?:look up|retrieve)|in the (?:request|prompt|input)\b|^\s*(?:none|no|n/a)\b|"
                     r"^\W*not much\b", low):
            r.set("corpus", "small", raw)
        elif re.search(r"\b(?:large|big|lots|many|a lot|loads|tons)\b", low):
            r.set("corpus", "large", raw)
    elif pending == "need" and "need" not in r.facts:
        if re.search(r"\bfacts?\b|\bknow\b|\bknowledge\b", low) and not re.search(r"\bno\b.{0,20}knowledge", low):
            r.set("need", "knowledge", raw)
        elif re.search(r"\b(?:behav\w*|style|format|skill|act)\b", low):
            r.set("need", "behaviour", raw)
