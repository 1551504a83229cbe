"""Orders through GraphQL: the worked example of rules §3, retained shares, quota, idempotency,
errors and the ledger's filters and pagination."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from graph.ledger import orders
from graph.network import members
from tests.support.orders import BALANCE, RECORD, buy, register

# the shares of rules §1 that are not linkage rewards, for P = 1000.00
OTHER_SHARES_1000 = [
    ("dividend_pool", "POOLED", "40.00", None, "dividend"),
    ("points_pool", "POOLED", "300.00", None, "points"),
    ("cost", "COST", "200.00", None, None),
    ("platform", "RETAINED", "70.00", None, None),
    ("level_pool", "POOLED", "30.00", None, "level"),
    ("shareholder_pool", "POOLED", "30.00", None, "shareholder"),
]


def booked(order: dict) -> list[tuple]:
    return [(e["rule"], e["status"], e["amount"], e["beneficiaryId"], e["pool"]) for e in order["entries"]]


def total(order: dict) -> Decimal:
    return sum((Decimal(e["amount"]) for e in order["entries"]), Decimal(0))


def test_worked_example_of_rules_section_3(gql):
    """T is a boss; S is T's 3rd referral (T's wealth slot 3); S registers A, B, C, then D.
    T's sponsor U is an agent, so the peer reward of T's team is retained."""
    register(gql, "U")
    register(gql, "T", "U")
    for name in ("P1", "P2", "S"):
        register(gql, name, "T")
    for name in ("U", "T", "P1", "P2", "S"):  # 10000 packages: quotas large enough that nothing burns
        buy(gql, f"o-{name}", name, "10000.00")
    assert gql.ok(BALANCE, id="T")["member"]["status"] == "BOSS"
    assert gql.ok(BALANCE, id="S")["member"]["status"] == "AGENT"
    for name in "ABC":
        register(gql, name, "S")

    a = buy(gql, "o-A", "A")
    assert booked(a) == [
        ("direct", "PAID", "100.00", "S", None),
        ("see_point", "PAID", "200.00", "T", None),
        ("peer", "RETAINED", "30.00", None, None),
    ] + OTHER_SHARES_1000
    assert a["entries"][0]["explanation"] == "direct 10% of 1000.00 = 100.00 to sponsor S (agent)"
    assert a["entries"][1]["explanation"] == (
        "see_point 20% of 1000.00 = 200.00 to team owner T (boss; wealth slot 3 via S, 2 levels above A)")
    assert a["entries"][2]["explanation"] == (
        "peer 3% of 1000.00 = 30.00 retained: team owner T's sponsor U is an agent, not a boss")
    assert a["entries"][3]["explanation"] == "dividend_pool 4% of 1000.00 = 40.00 into the dividend pool"
    assert [e["id"] for e in a["entries"]] == [f"order:o-A#{n}" for n in range(9)]
    assert {(e["orderId"], e["period"]) for e in a["entries"]} == {("o-A", a["period"])}
    assert total(a) == Decimal("1000.00")

    b = buy(gql, "o-B", "B")
    assert booked(b) == booked(a)
    assert gql.ok(BALANCE, id="S")["member"]["status"] == "AGENT"

    c = buy(gql, "o-C", "C")  # C's order makes S a boss: S earns 300, T the peer 30
    assert booked(c) == [
        ("direct", "PAID", "100.00", "S", None),
        ("see_point", "PAID", "200.00", "S", None),
        ("peer", "PAID", "30.00", "T", None),
    ] + OTHER_SHARES_1000
    assert c["entries"][0]["explanation"] == "direct 10% of 1000.00 = 100.00 to sponsor S (boss)"
    assert c["entries"][2]["explanation"] == "peer 3% of 1000.00 = 30.00 to T, sponsor of team owner S (boss)"
    assert gql.ok(BALANCE, id="S")["member"]["status"] == "BOSS"

    register(gql, "D", "S")  # slides under C, C's slot 1 (contribution)
    assert gql.ok('{ member(id: "D") { placementParent { id } slot } }')["member"] == {
        "placementParent": {"id": "C"}, "slot": 1}
    d = buy(gql, "o-D", "D")
    assert booked(d) == booked(c)
    assert d["entries"][1]["explanation"] == (
        "see_point 20% of 1000.00 = 200.00 to team owner S (boss; wealth slot 3 via C, 2 levels above D)")

    s = gql.ok(BALANCE, id="S")["member"]["balance"]
    assert s.pop("points") != "0.0000"  # its package's points (rules §5: tests/test_points_*.py)
    assert s == {"available": "800.00", "frozen": "0.00", "burned": "0.00", "quotaLeft": "29200.00"}
    # T: 3 × 1000 direct (P1, P2, S), 2000 see-point of S's own order (which made T a boss),
    # 200 + 200 see-point of A and B, 30 + 30 peer of C and D
    assert gql.ok(BALANCE, id="T")["member"]["balance"]["available"] == "5460.00"
    # the order read back is what was booked
    again = gql.ok('query { order(id: "o-D") { id amount entries { id rule status amount beneficiaryId } } }')["order"]
    assert [(e["rule"], e["status"], e["amount"], e["beneficiaryId"]) for e in again["entries"]] == [
        (r, s_, amt, who) for r, s_, amt, who, _ in booked(d)]


def test_no_boss_above_retains_the_see_point_and_a_customer_sponsor_the_direct(gql):
    register(gql, "R")          # a customer: never buys
    register(gql, "X", "R")
    x = buy(gql, "o-X", "X")
    assert booked(x)[:3] == [
        ("direct", "RETAINED", "100.00", None, None),
        ("see_point", "RETAINED", "200.00", None, None),
        ("peer", "RETAINED", "30.00", None, None),
    ]
    assert x["entries"][0]["explanation"] == "direct 10% of 1000.00 = 100.00 retained: sponsor R is a customer"
    assert x["entries"][1]["explanation"] == (
        "see_point 20% of 1000.00 = 200.00 retained: no boss above X reached through a wealth line")
    assert total(x) == Decimal("1000.00")
    buy(gql, "o-R", "R")        # R has no sponsor and no placement parent
    r = gql.ok('{ order(id: "o-R") { entries { rule status explanation } } }')["order"]
    assert r["entries"][0] == {"rule": "direct", "status": "RETAINED",
                               "explanation": "direct 10% of 1000.00 = 100.00 retained: buyer R has no sponsor"}
    assert r["entries"][1]["status"] == "RETAINED"
    assert gql.ok(BALANCE, id="R")["member"]["balance"]["available"] == "0.00"


def test_a_5000_package_raises_the_quota_by_10000(gql):
    register(gql, "Q")
    assert gql.ok(BALANCE, id="Q")["member"]["balance"]["quotaLeft"] is None
    buy(gql, "o-1", "Q")
    assert gql.ok(BALANCE, id="Q")["member"]["balance"]["quotaLeft"] == "1000.00"
    buy(gql, "o-2", "Q", "5000.00")
    assert gql.ok(BALANCE, id="Q")["member"]["balance"]["quotaLeft"] == "11000.00"


def test_the_same_order_twice_books_once_and_other_content_conflicts(gql):
    register(gql, "S")
    register(gql, "A", "S")
    first = buy(gql, "o-1", "A", at="2026-11-03T10:00:00Z")
    assert first["at"].startswith("2026-11-03T10:00:00") and first["period"] == "2026-11"
    second = buy(gql, "o-1", "A")  # `at` omitted: the stored order
    assert second == first
    assert buy(gql, "o-1", "A", at="2026-11-03T10:00:00Z") == first
    for changed in ({"amount": "5000.00"}, {"buyerId": "S"}, {"at": "2026-11-04T10:00:00Z"}, {"referrerId": "S"}):
        error = gql.error(RECORD, input={"id": "o-1", "buyerId": "A", "amount": "1000.00", **changed})
        assert error["extensions"]["code"] == "CONFLICT", changed
    entries = gql.ok('{ ledger(orderId: "o-1") { id } }')["ledger"]
    assert len(entries) == 9


def test_concurrent_recordings_of_one_order_book_once(rn):
    members.register(rn, "S", member_id="S")
    members.register(rn, "A", sponsor_id="S", member_id="A")
    orders.record_order(rn, "o-S", "S", Decimal("1000.00"))

    def record(_: int) -> orders.OrderRecord:
        return orders.record_order(rn, "o-1", "A", Decimal("1000.00"))

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(record, range(16)))
    assert len({result.at for result in results}) == 1
    assert len(orders.entries(rn, "o-1")) == 9
    assert rn.store.run_text("MATCH (o:Order {id: 'o-1'}) RETURN count(o) AS n")[0]["n"] == 1
    stored = rn.store.run_text("MATCH (m:Member {id: 'S'}) RETURN m.paid AS paid, m.agent_referrals AS a")[0]
    assert stored == {"paid": 10000, "a": 1}


def test_two_engines_record_one_order_once(store, plan):
    from graph.service import Refnet

    first, second = Refnet.start(store, plan), Refnet.start(store, plan)
    members.register(first, "S", member_id="S")
    members.register(first, "A", sponsor_id="S", member_id="A")
    orders.record_order(first, "o-S", "S", Decimal("1000.00"))

    def record(index: int) -> None:
        engine = first if index % 2 else second
        orders.record_order(engine, f"o-{index % 3}", "A", Decimal("1000.00"))

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(record, range(18)))
    rows = first.store.run_text("MATCH (e:Entry) RETURN e.order_id AS o, count(e) AS n ORDER BY o")
    assert rows == [{"o": "o-0", "n": 9}, {"o": "o-1", "n": 9}, {"o": "o-2", "n": 9}, {"o": "o-S", "n": 9}]
    paid = first.store.run_text("MATCH (m:Member {id: 'S'}) RETURN m.paid AS paid")[0]["paid"]
    assert paid == 3 * 10000


def test_bad_orders_are_refused_and_change_nothing(gql):
    register(gql, "S")
    cases = [
        ({"amount": "1234.00"}, "BAD_INPUT", "not a package price"),
        ({"amount": "-5"}, "BAD_INPUT", None),
        ({"amount": "1.234"}, "BAD_INPUT", None),
        ({"amount": 1000.0}, "BAD_INPUT", None),
        ({"buyerId": "nobody"}, "NOT_FOUND", "buyerId"),
        ({"referrerId": "nobody"}, "NOT_FOUND", "referrerId"),
        ({"id": "bad id!"}, "BAD_INPUT", "id"),
    ]
    for change, code, words in cases:
        error = gql.error(RECORD, input={"id": "o-1", "buyerId": "S", "amount": "1000.00", **change})
        assert error["extensions"]["code"] == code, (change, error)
        if words:
            assert words in error["message"]
    assert gql.ok("{ ledger { id } }")["ledger"] == []
    assert gql.ok('{ order(id: "o-1") { id } }')["order"] is None


def test_referrer_is_linked(gql, rn):
    register(gql, "S")
    register(gql, "K")
    order = buy(gql, "o-1", "S", referrerId="K")
    assert order["referrerId"] == "K"
    rows = rn.store.run_text("MATCH (:Order {id: 'o-1'})-[:REFERRED_BY]->(m:Member) RETURN m.id AS id")
    assert rows == [{"id": "K"}]


def test_ledger_filters_and_pages(gql):
    register(gql, "S")
    for name in "AB":
        register(gql, name, "S")
    buy(gql, "o-S", "S", at="2026-10-31T23:59:59Z")
    buy(gql, "o-A", "A", at="2026-11-01T00:00:00Z")
    buy(gql, "o-B", "B", at="2026-11-02T00:00:00Z")
    everything = gql.ok("{ ledger(first: 1000) { id cursor } }")["ledger"]
    assert [e["id"] for e in everything] == (
        [f"order:o-S#{n}" for n in range(9)] + [f"order:o-A#{n}" for n in range(9)]
        + [f"order:o-B#{n}" for n in range(9)])
    pages, after = [], None
    while True:
        page = gql.ok("query($after: String) { ledger(first: 4, after: $after) { id cursor } }", after=after)["ledger"]
        if not page:
            break
        pages.extend(page)
        after = page[-1]["cursor"]
    assert pages == everything
    mine = gql.ok('{ ledger(memberId: "S") { id rule amount } }')["ledger"]
    assert [(e["id"], e["rule"], e["amount"]) for e in mine] == [
        ("order:o-A#0", "direct", "100.00"), ("order:o-B#0", "direct", "100.00")]
    assert len(gql.ok('{ ledger(period: "2026-10") { id } }')["ledger"]) == 9
    assert [e["id"] for e in gql.ok('{ ledger(period: "2026-11", rule: "cost") { id } }')["ledger"]] == [
        "order:o-A#5", "order:o-B#5"]
    assert gql.ok('{ ledger(memberId: "S", orderId: "o-B") { id } }')["ledger"] == [{"id": "order:o-B#0"}]
    assert gql.error('{ ledger(after: "nonsense") { id } }')["extensions"]["code"] == "BAD_INPUT"
    assert gql.error("{ ledger(first: 0) { id } }")["extensions"]["code"] == "BAD_INPUT"


def test_python_callers_get_bad_input_for_amounts_that_are_not_cents(rn):
    import pytest

    from graph.core.errors import BadInput

    members.register(rn, "S", member_id="S")
    for amount in (Decimal("1000.001"), Decimal("NaN"), 1000):
        with pytest.raises(BadInput):
            orders.record_order(rn, "o-1", "S", amount)
    assert orders.get_order(rn, "o-1") is None


def test_orders_and_ledger_need_the_admin_token(gql, monkeypatch):
    register(gql, "S")
    monkeypatch.setenv("REFNET_ADMIN_TOKEN", "s3cret")
    order = {"id": "o-1", "buyerId": "S", "amount": "1000.00"}
    assert gql.error(RECORD, input=order)["extensions"]["code"] == "UNAUTHENTICATED"
    assert gql.error("{ ledger { id } }")["extensions"]["code"] == "UNAUTHENTICATED"
    assert gql.error('{ order(id: "o-1") { id } }')["extensions"]["code"] == "UNAUTHENTICATED"
    assert len(gql.ok(RECORD, "s3cret", input=order)["recordOrder"]["entries"]) == 9
    assert gql.ok(BALANCE, "s3cret", id="S")["member"]["balance"]["quotaLeft"] == "1000.00"
