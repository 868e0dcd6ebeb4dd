"""Privacy by construction: what a desk sends never holds the customer's details."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from workaid.core.desk.escalation_log import EscalationEntry, EscalationLog
from workaid.core.feedback.desk_store import FeedbackStore
from workaid.core.feedback.names import COMMON_NAMES
from workaid.core.feedback.outbox import _query_ok, deliver
from workaid.core.feedback.privacy import _COMMON_WORDS, clean_query, mask_comment
from workaid.core.feedback.signals import SignalRecorder

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE = re.compile(r"\+?\d[\d ().-]{5,}\d")
CALL = ("Jonathan Smithers", "07700 900123", "jon.smithers@example.com", "AB123456")


# -- mask_comment ------------------------------------------------------------------------------
def test_mask_comment_masks_each_kind_of_detail():
    text = (
        "Mr Smithers (jon.smithers@example.com, +44 7700 900123) says the £45.50 limit is wrong; "
        "card 4111 1111 1111 1111, ref AB123456, account 12345678; call Mary back"
    )
    out = mask_comment(text)
    assert "[e-mail removed]" in out
    assert "[phone removed]" in out
    assert "[card number removed]" in out
    assert "[reference removed]" in out
    assert "[name removed]" in out  # Mary: a common given name
    assert "£##.##" in out  # an amount keeps its shape, not its value
    assert not any(c.isdigit() for c in out)
    assert "Mary" not in out and "example" not in out


def test_mask_comment_removes_the_calls_values_in_any_case_whole_or_word_by_word():
    out = mask_comment("SMITHERS was upset; jonathan smithers asked twice", call_values=("Jonathan Smithers",))
    assert "smithers" not in out.lower() and "jonathan" not in out.lower()
    assert "[removed]" in out
    assert "upset" in out and "asked twice" in out


def test_mask_comment_keeps_ordinary_words_of_a_card_and_caps_the_length():
    out = mask_comment("Will the grant page say the case fee may change? " * 40)
    assert out.startswith("Will the grant page say the case fee may change?")
    assert len(out) <= 500


def test_mask_comment_keeps_a_handful_of_digits_as_hashes_and_dates_as_shapes():
    assert mask_comment("within 14 days, before 2026-12-01") == "within ## days, before ####-##-##"


# -- clean_query -------------------------------------------------------------------------------
VOCAB = frozenset({"chief", "executive", "fee", "late", "waiver", "president", "refund"})


def test_clean_query_keeps_the_words_customers_use():
    assert clean_query("ceo") == "ceo"
    assert clean_query("  Late   FEE waiver ") == "late fee waiver"
    assert clean_query("BBB", vocabulary=VOCAB) == "bbb"  # an acronym, not a surname
    assert clean_query("fee 2024") == "fee ####"


def test_clean_query_drops_anything_that_looks_like_a_customer():
    for q in (
        "jon@example.com",
        "07700 900123",
        "4111-1111-1111-1111",
        "AB123456",
        "order 123456",
        "mary",
        "x" * 61,
    ):
        assert clean_query(q) is None, q
    assert clean_query("smithers refund", call_values=CALL) is None
    assert clean_query("Smithers", vocabulary=VOCAB) is None  # capitalised, unknown to the content
    assert clean_query("smithers", vocabulary=VOCAB) == "smithers"  # lower case: a word, not a name


def test_the_name_list_is_large_lowercase_and_leaves_card_words_alone():
    assert len(COMMON_NAMES) >= 300
    assert all(n == n.lower() and n.isalpha() for n in COMMON_NAMES)
    for word in ("will", "bill", "grant", "may", "mark", "case", "rose", "page", "price", "grace", "penny", "sims"):
        assert word not in COMMON_NAMES


# -- properties --------------------------------------------------------------------------------
_pieces = st.one_of(
    st.text(max_size=30),
    st.emails(),
    st.from_regex(r"\+?[0-9][0-9 ()-]{6,16}[0-9]", fullmatch=True),
    st.from_regex(r"[A-Z]{1,3}[0-9]{3,9}", fullmatch=True),
    st.sampled_from(["Mary", "Smithers", " ", "@", "£", "\n", "０７７００９００１２３", "²", "＠"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_pieces, max_size=12).map(" ".join))
def test_no_email_phone_or_digit_survives_mask_comment(text):
    out = mask_comment(text)
    assert not EMAIL.search(out)
    assert not PHONE.search(out)
    assert not any(c.isdigit() for c in out)
    assert len(out) <= 500


@settings(max_examples=300, deadline=None)
@given(st.lists(_pieces, max_size=8).map(" ".join), st.lists(st.text(min_size=1, max_size=12), max_size=3))
def test_clean_query_returns_none_or_a_short_digit_free_folded_query(text, values):
    out = clean_query(text, call_values=values, vocabulary=VOCAB)
    if out is not None:
        assert len(out) <= 60
        assert not any(c.isdigit() for c in out)
        assert "@" not in out
        assert _query_ok(out)  # what the owner's reader accepts


@settings(max_examples=200, deadline=None)
@given(
    st.from_regex(r"[A-Za-z]{3,12}", fullmatch=True).filter(lambda v: v.lower() not in _COMMON_WORDS),
    st.text(max_size=40),
)
def test_a_call_value_never_survives_masking(value, around):
    out = mask_comment(f"{around} {value} {around}", call_values=(value,))
    assert value.lower() not in re.sub(r"\[[a-z -]+\]", " ", out.lower()).split()


# -- the privacy test, at the core level --------------------------------------------------
def test_no_customer_detail_reaches_any_outbox_file(tmp_path: Path):
    name, phone, email, ref = "Jonathan Smithers", "07700 900123", "jon.smithers@example.com", "AB123456"
    values = (name, phone, email, ref)
    day = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)
    now = [day]
    clock = lambda: now[0]  # noqa: E731
    store = FeedbackStore(tmp_path / "data" / "feedback.db", clock=clock)
    esc = EscalationLog(tmp_path / "data" / "escalations.db", clock=clock)
    esc.add(EscalationEntry(2, f"customer {name} wants a refund", cards=("late-fee-waiver",), at=day, recommended=1))
    esc.add(EscalationEntry(3, "beyond my discretion", cards=("late-fee-waiver",), at=day))
    rec = SignalRecorder(clock, vocabulary=VOCAB)
    rec.set_call_values(values)

    store.add_flag(
        "late-fee-waiver",
        3,
        "unclear",
        f"{name} ({email}, {phone}, ref {ref}) says Smithers was charged twice",
        call_values=values,
    )
    for q in (name, "Smithers", phone, phone.replace(" ", ""), email, ref, f"refund {ref}", f"late fee {name}"):
        for i in range(1, len(q) + 1):  # typed one keystroke at a time
            rec.searched(q[:i], 0)
        rec.cleared()
    rec.searched("late fee", 2)
    rec.opened("late-fee-waiver")
    rec.searched("ceo", 0)
    rec.set_call_values(())  # the next call starts before the query settles
    now[0] = day + dt.timedelta(seconds=30)
    store.add_counts(rec.take(final=True))

    share = tmp_path / "share"
    share.mkdir()
    got = deliver(store, share, "0123456789abcdef", True, dt.date(2026, 12, 3), escalations=esc, serial=4, clock=clock)
    assert (got.flags_sent, got.days_sent, got.waiting) == (1, 1, 0)

    files = [p for p in (share / "outbox").rglob("*") if p.is_file()]
    assert len(files) == 2
    blob = b"".join(p.read_bytes() for p in files).decode("utf-8").lower()
    for secret in (name, "smithers", "jonathan", phone, email, ref, "07700", "900123", "ab123456", "example.com"):
        assert secret.lower() not in blob, secret
    assert not re.search(r"\d{5,}", re.sub(r'"(day|at|written_at|desk|id)":"[^"]*"|"serial":\d+', "", blob))
    assert '"ceo":1' in blob  # the real query did travel
    assert "charged twice" in blob and "beyond my discretion" in blob
