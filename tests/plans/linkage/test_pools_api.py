"""Rules §5–§8 through GraphQL: pointsMarket, sellPoints, withdraw, setIdentity, closePeriod."""

from __future__ import annotations

import pytest

REGISTER = "mutation($input: RegisterInput!) { registerMember(input: $input) { id } }"
RECORD = "mutation($input: OrderInput!) { recordOrder(input: $input) { id } }"
MARKET = "{ pointsMarket { pool circulating price giftRatio } }"
SELL = """mutation($m: ID!, $p: Decimal!) {
  sellPoints(memberId: $m, points: $p) { rule status amount beneficiaryId explanation points } }"""
WITHDRAW = "mutation($m: ID!, $a: Money!) { withdraw(memberId: $m, amount: $a) { rule status amount } }"
BALANCE = "query($id: ID!) { member(id: $id) { balance { available frozen points } } }"
IDENTITY = "mutation($m: ID!, $i: Identity) { setIdentity(memberId: $m, identity: $i) }"
CLOSE = "mutation($p: String!) { closePeriod(period: $p) { period entries total done } }"


def setup(gql) -> None:
    gql.ok(REGISTER, input={"id": "root", "name": "Root"})
    for n in (1, 2, 3):
        gql.ok(REGISTER, input={"id": f"u{n}", "name": f"User {n}", "sponsorId": "root"})
        gql.ok(RECORD, input={"id": f"o{n}", "buyerId": f"u{n}", "amount": "1000.00", "at": "2026-11-05T10:00:00Z"})


def test_points_market_sale_and_balance(gql) -> None:
    assert gql.ok(MARKET)["pointsMarket"] == {"pool": "0.00", "circulating": "0.0000", "price": "1.0000",
                                              "giftRatio": "0.7000"}
    setup(gql)
    assert gql.ok(MARKET)["pointsMarket"] == {"pool": "900.00", "circulating": "481.9500", "price": "1.8674",
                                              "giftRatio": "0.7000"}
    assert gql.ok(BALANCE, id="u1")["member"]["balance"]["points"] == "210.0000"
    sale = gql.ok(SELL, m="u1", p="210.0000")["sellPoints"]
    assert (sale["rule"], sale["status"], sale["beneficiaryId"]) == ("points_sale", "PAID", "u1")
    # 210 × 900/481.95 = 392.1568… → 392.15; 80 % = 313.72
    assert sale["amount"] == "313.72" and sale["points"] == "210.0000"
    listed = gql.ok('{ ledger(memberId: "u1", rule: "points_sale") { amount points } }')["ledger"]
    assert listed == [{"amount": "313.72", "points": "210.0000"}]
    balance = gql.ok(BALANCE, id="u1")["member"]["balance"]
    assert balance["points"] == "0.0000" and balance["available"] == "313.72"
    assert gql.ok(MARKET)["pointsMarket"]["price"] > "1.8674"


@pytest.mark.parametrize("points", ["0", "-1", "1.00001", "abc", "1000"])
def test_sell_points_bad_input(gql, points) -> None:
    setup(gql)
    assert gql.error(SELL, m="u1", p=points)["extensions"]["code"] == "BAD_INPUT"
    assert gql.ok(BALANCE, id="u1")["member"]["balance"]["points"] == "210.0000"


def test_withdraw_and_errors(gql) -> None:
    setup(gql)
    gql.ok(SELL, m="u1", p="210.0000")
    assert gql.error(WITHDRAW, m="u1", a="313.73")["extensions"]["code"] == "BAD_INPUT"
    assert gql.error(WITHDRAW, m="nobody", a="1.00")["extensions"]["code"] == "NOT_FOUND"
    entries = gql.ok(WITHDRAW, m="u1", a="100.00")["withdraw"]
    assert entries == [{"rule": "withdrawal", "status": "PAID", "amount": "80.00"},
                       {"rule": "withdrawal", "status": "FROZEN", "amount": "20.00"}]
    assert gql.ok(BALANCE, id="u1")["member"]["balance"] == {"available": "213.72", "frozen": "20.00",
                                                             "points": "0.0000"}


def test_identity_and_close_period(gql) -> None:
    setup(gql)
    assert gql.ok(IDENTITY, m="u1", i="DIRECTOR")["setIdentity"] == "DIRECTOR"
    assert gql.ok("query($id: ID!) { member(id: $id) { identity } }", id="u1")["member"]["identity"] == "DIRECTOR"
    assert gql.error(IDENTITY, m="nobody", i="PARTNER")["extensions"]["code"] == "NOT_FOUND"
    run = gql.ok(CLOSE, p="2026-11")["closePeriod"]
    assert run["period"] == "2026-11" and run["done"]
    assert gql.ok(CLOSE, p="2026-11")["closePeriod"] == run
    assert gql.error(CLOSE, p="November")["extensions"]["code"] == "BAD_INPUT"
    # director: 30 % of the 120.00 dividend pool
    assert gql.ok(BALANCE, id="u1")["member"]["balance"]["available"] == "36.00"


@pytest.mark.integration
def test_close_period_command(tmp_path, capsys) -> None:
    from cli.main import main

    assert main(["close-period", "2026-11", "--data", str(tmp_path)]) == 0
    assert "2026-11: 0 entries, 0.00" in capsys.readouterr().out
    assert main(["close-period", "2026-13", "--data", str(tmp_path)]) == 2
