"""A realistic synthetic content folder for the benchmarks.

Cards look like the bundled pack: front matter, a 4-9 word title, 150-500 words of
body drawn from a Zipf distribution over contact-centre vocabulary plus a long tail
of rarer words (real packs have large vocabularies: product names, places, codes).
Deterministic for a given seed, so runs compare.
"""

from __future__ import annotations

import random
from pathlib import Path

DOMAIN = [
    "account",
    "fee",
    "fees",
    "late",
    "payment",
    "waiver",
    "waive",
    "waived",
    "refund",
    "refunds",
    "credit",
    "goodwill",
    "escalate",
    "escalation",
    "escalated",
    "supervisor",
    "manager",
    "expert",
    "technical",
    "product",
    "billing",
    "invoice",
    "statement",
    "charge",
    "charges",
    "customer",
    "caller",
    "call",
    "callback",
    "follow",
    "follow-up",
    "hand-off",
    "handoff",
    "transfer",
    "transferred",
    "apology",
    "apologise",
    "sorry",
    "complaint",
    "complaints",
    "abusive",
    "threatening",
    "de-escalation",
    "calm",
    "listen",
    "acknowledge",
    "empathy",
    "policy",
    "exception",
    "discretion",
    "limit",
    "limits",
    "authority",
    "approve",
    "approval",
    "senior",
    "rep",
    "representative",
    "agent",
    "team",
    "contact",
    "directory",
    "hours",
    "phone",
    "email",
    "chat",
    "ticket",
    "case",
    "reference",
    "note",
    "summary",
    "outcome",
    "resolution",
    "resolve",
    "resolved",
    "first",
    "offence",
    "tenure",
    "standing",
    "direct",
    "number",
    "extension",
    "queue",
    "hold",
    "wait",
    "minutes",
    "threshold",
    "time",
    "timer",
    "outage",
    "service",
    "fault",
    "engineer",
    "appointment",
    "missed",
    "visit",
    "delivery",
    "order",
    "return",
    "returned",
    "cancel",
    "cancellation",
    "termination",
    "contract",
    "early",
    "paper",
    "direct-debit",
    "bank",
    "card",
    "fraud",
    "security",
    "identity",
    "verify",
    "verification",
    "password",
    "reset",
    "locked",
    "access",
    "vulnerable",
    "support",
    "bereavement",
    "hardship",
    "plan",
    "arrangement",
    "instalment",
    "arrears",
    "debt",
    "collection",
    "dispute",
    "chargeback",
    "warranty",
    "repair",
    "replacement",
    "device",
    "broadband",
    "mobile",
    "roaming",
    "data",
    "allowance",
    "upgrade",
    "tariff",
    "price",
    "increase",
    "discount",
    "retention",
    "offer",
    "loyalty",
    "points",
    "voucher",
    "compensation",
    "claim",
    "insurance",
    "excess",
    "premium",
    "renewal",
    "quote",
    "address",
    "move",
    "letter",
    "ceo",
    "public",
    "social",
    "media",
    "review",
    "regulator",
    "ombudsman",
    "deadline",
    "promise",
    "expectation",
    "update",
    "owner",
    "owned",
    "mapped",
    "record",
    "log",
    "reason",
    "level",
    "procedure",
    "steps",
    "checklist",
    "script",
    "words",
    "say",
    "offer",
    "may",
    "must",
    "should",
    "never",
    "always",
    "within",
    "beyond",
    "outside",
    "above",
    "below",
    "maximum",
    "minimum",
    "per",
    "month",
    "months",
    "year",
]

COMMON = [
    "the",
    "a",
    "an",
    "and",
    "or",
    "of",
    "to",
    "in",
    "for",
    "on",
    "with",
    "at",
    "by",
    "from",
    "is",
    "are",
    "be",
    "was",
    "were",
    "it",
    "this",
    "that",
    "these",
    "those",
    "you",
    "your",
    "we",
    "our",
    "they",
    "their",
    "he",
    "she",
    "his",
    "her",
    "as",
    "if",
    "when",
    "then",
    "than",
    "so",
    "not",
    "no",
    "yes",
    "can",
    "will",
    "would",
    "could",
    "have",
    "has",
    "had",
    "do",
    "does",
    "did",
    "get",
    "got",
    "make",
    "made",
    "take",
    "give",
    "given",
    "tell",
    "told",
    "ask",
    "asked",
    "need",
    "needs",
    "want",
    "more",
    "most",
    "less",
    "least",
    "all",
    "any",
    "each",
    "every",
    "some",
    "other",
    "same",
    "new",
    "old",
    "good",
    "right",
    "wrong",
    "best",
    "first",
    "last",
    "next",
    "only",
    "also",
    "just",
    "still",
    "even",
    "again",
    "once",
    "before",
    "after",
    "during",
    "while",
    "because",
    "about",
    "into",
    "over",
    "under",
    "between",
]

SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "ra",
    "su",
    "te",
    "vo",
    "zi",
    "ba",
    "de",
    "fo",
    "gu",
    "hi",
    "ja",
    "ko",
    "lu",
    "ma",
    "no",
    "pe",
    "qui",
    "ro",
    "sa",
    "ti",
    "ul",
    "ve",
    "wo",
    "xa",
    "yo",
    "ze",
]


def _tail_words(rng: random.Random, n: int) -> list[str]:
    seen: set[str] = set()
    out = []
    while len(out) < n:
        w = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if w not in seen:
            seen.add(w)
            out.append(w)
    return out


def vocabulary(seed: int = 7, tail: int = 30000) -> list[str]:
    rng = random.Random(seed)
    domain = list(dict.fromkeys(DOMAIN))
    rng.shuffle(domain)
    # Common words first (most frequent), then domain words, then the long tail.
    return list(dict.fromkeys(COMMON)) + domain + _tail_words(rng, tail)


def _zipf_sampler(rng: random.Random, vocab: list[str], s: float = 1.05):
    import bisect
    import itertools

    weights = [1.0 / (i + 1) ** s for i in range(len(vocab))]
    cum = list(itertools.accumulate(weights))
    total = cum[-1]

    def pick() -> str:
        return vocab[bisect.bisect_left(cum, rng.random() * total)]

    return pick


KINDS = ["guideline"] * 8 + ["scenario"] * 2
TAGS = [
    "fees",
    "discretion",
    "escalation",
    "billing",
    "technical",
    "complaints",
    "scripts",
    "follow-up",
    "security",
    "retention",
    "abusive",
    "refunds",
]


# Cards that hold synonym groups: one in SYNONYM_EVERY, as an owner team keeps its
# vocabulary on the cards that answer it. The bundled pack's groups go on the first ones.
SYNONYM_EVERY = 50


def synonym_groups(vocab: list[str], count: int, seed: int) -> list[list[str]]:
    """Groups for `count` holder cards: the bundled pack's (the words reps really type),
    then groups of 3-6 rarer words and word pairs, every term in one group only."""
    from workaid.core.content.folder import synonym_groups as groups_in

    bundled = Path(__file__).resolve().parents[1] / "content"
    out: list[list[str]] = [[g] for _, g in groups_in(bundled)]
    rng = random.Random(seed)
    known = {*COMMON, *DOMAIN}
    tail = [w for w in vocab if w.isalpha() and w not in known]
    rng.shuffle(tail)
    at = 0
    while len(out) < count and at + 12 < len(tail):
        groups = []
        for _ in range(rng.randint(1, 2)):
            n = rng.randint(3, 6)
            terms = [tail[at + k] if rng.random() < 0.7 else f"{tail[at + k]} {tail[at + k + 1]}" for k in range(n)]
            at += n + 1
            groups.append(" = ".join(terms))
        out.append(groups)
    return out


def generate(folder: Path, count: int = 20000, seed: int = 7, synonyms: bool = True) -> Path:
    """Write `count` cards into `folder` (sub-folders of 500), return the folder."""
    rng = random.Random(seed)
    vocab = vocabulary(seed)
    holders = synonym_groups(vocab, count // SYNONYM_EVERY, seed) if synonyms else []
    body_pick = _zipf_sampler(rng, vocab)
    title_pick = _zipf_sampler(rng, vocab[len(COMMON) :], s=0.9)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        sub = folder / f"team-{i // 500:03d}"
        sub.mkdir(exist_ok=True)
        title_words = [title_pick() for _ in range(rng.randint(4, 9))]
        title = " ".join(title_words).capitalize()
        tags = rng.sample(TAGS, rng.randint(1, 3))
        paras = []
        remaining = rng.randint(150, 500)
        while remaining > 0:
            n = min(remaining, rng.randint(30, 90))
            remaining -= n
            sentence_words = [body_pick() for _ in range(n)]
            if rng.random() < 0.3:
                paras.append("- " + " ".join(sentence_words[: n // 2]) + "\n- " + " ".join(sentence_words[n // 2 :]))
            else:
                paras.append(" ".join(sentence_words).capitalize() + ".")
        review = f"{rng.choice([2025, 2026, 2027, 2027, 2028])}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        text = (
            "---\n"
            f"id: card-{i:05d}\n"
            f"kind: {rng.choice(KINDS)}\n"
            f'title: "{title}"\n'
            f"tags: [{', '.join(tags)}]\n"
            f"owner: team-{i % 37}\n"
            f"review_by: {review}\n" + _synonym_lines(holders, i) + "---\n"
            f"## {title}\n\n" + "\n\n".join(paras) + "\n"
        )
        (sub / f"card-{i:05d}.md").write_text(text, encoding="utf-8")
    return folder


def _synonym_lines(holders: list[list[str]], i: int) -> str:
    if i % SYNONYM_EVERY or i // SYNONYM_EVERY >= len(holders):
        return ""
    return "synonyms:\n" + "".join(f"  - {g}\n" for g in holders[i // SYNONYM_EVERY])


# What reps type for level 4 and the other levels: whole terms, starts of terms, and a
# synonym beside an ordinary word (bench/search.py times them beside QUERIES).
SYNONYM_QUERIES = ["ceo", "president", "bbb", "better business", "trading standards", "boss", "etf", "ceo refund"]

QUERIES = [
    "late fee waiver",
    "escalate to supervisor",
    "abusive caller",
    "refund outside policy",
    "callback time",
    "hand-off to expert",
    "goodwill credit outage",
    "cancellation fee",
    "missed appointment",
    "direct debit returned",
    "fraud security team",
    "vulnerable customer support",
    "complaint letter ceo",
    "senior rep approval",
    "apology script",
    "paper statement fee",
    "early termination",
    "payment arrangement arrears",
    "chargeback dispute",
    "password reset locked",
    "delivery charge refund",
    "retention offer loyalty",
    "technical fault engineer",
    "time threshold minutes",
    "de-escalation words",
    "first offence discretion",
    "tenure standing",
    "expert directory hours",
    "follow-up owner",
    "transfer to manager",
    "billing invoice dispute",
    "broadband outage compensation",
    "roaming data charge",
    "tariff price increase",
    "voucher compensation claim",
    "warranty repair replacement",
    "bereavement hardship",
    "identity verification",
    "public complaint social media",
    "ombudsman deadline",
    "case reference note",
    "hold queue wait",
    "upgrade device offer",
    "insurance excess claim",
    "renewal quote discount",
    "address move",
    "summary outcome resolution",
    "maximum limit per month",
    "threatening caller procedure",
    "escalation level checklist",
]
