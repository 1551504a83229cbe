"""`recordOrders` over GraphQL and `refnet record-orders FILE` (issue 18): admin only, one result
per input in order, a bad input fails alone, idempotent per order id."""

from __future__ import annotations

import json

import pytest

from cli.main import main, open_engine
from graph.ledger import orders

ADMIN = "batch-admin-token"
BATCH = """mutation($inputs: [OrderInput!]!) {
  recordOrders(inputs: $inputs) { order { id buyerId amount entries { rule amount beneficiaryId } } error { code message } }
}"""
REGISTER = """mutation($inputs: [RegisterInput!]!) { registerMembers(inputs: $inputs) { error { code } } }"""


def network(gql) -> None:
    gql.ok(REGISTER, ADMIN, inputs=[{"id": "S", "name": "Sam"}, {"id": "A", "name": "Ann", "sponsorId": "S"}])


def test_one_result_per_input_in_order(gql, monkeypatch):
    monkeypatch.setenv("REFNET_ADMIN_TOKEN", ADMIN)
    network(gql)
    results = gql.ok(BATCH, ADMIN, inputs=[
        {"id": "o1", "buyerId": "S", "amount": "1000.00"},
        {"id": "o2", "buyerId": "ghost", "amount": "1000.00"},
        {"id": "o3", "buyerId": "A", "amount": "1000.00"},
        {"id": "o4", "buyerId": "A", "amount": "12.34"},
        {"id": "o1", "buyerId": "S", "amount": "1000.00"},
        {"id": "o1", "buyerId": "S", "amount": "5000.00"},
    ])["recordOrders"]
    assert [r["error"]["code"] if r["error"] else None for r in results] == [
        None, "NOT_FOUND", None, "BAD_INPUT", None, "CONFLICT"]
    assert "ghost" in results[1]["error"]["message"] and "package price" in results[3]["error"]["message"]
    # S bought first, so it is an agent when A's order pays it the direct 10 %
    assert ("direct", "100.00", "S") in [(e["rule"], e["amount"], e["beneficiaryId"]) for e in results[2]["order"]["entries"]]
    assert results[4]["order"] == results[0]["order"]  # the same order again: the stored one
    assert gql.ok("query { order(id: \"o2\") { id } }", ADMIN)["order"] is None


def test_only_the_admin_records_a_batch(gql, rn, monkeypatch):
    monkeypatch.setenv("REFNET_ADMIN_TOKEN", ADMIN)
    network(gql)
    token = gql.ok("mutation { createMemberToken(memberId: \"S\") }", ADMIN)["createMemberToken"]
    inputs = [{"id": "o1", "buyerId": "S", "amount": "1000.00"}]
    assert gql.error(BATCH, token, inputs=inputs)["extensions"]["code"] == "FORBIDDEN"
    assert gql.error(BATCH, inputs=inputs)["extensions"]["code"] == "UNAUTHENTICATED"
    assert orders.get_order(rn, "o1") is None


def test_too_many_inputs_is_bad_input_and_books_nothing(gql, rn, monkeypatch):
    from graph.ledger.order_batch import MAX_BATCH

    monkeypatch.setenv("REFNET_ADMIN_TOKEN", ADMIN)
    network(gql)
    inputs = [{"id": f"o{i}", "buyerId": "S", "amount": "1000.00"} for i in range(MAX_BATCH + 1)]
    assert gql.error(BATCH, ADMIN, inputs=inputs)["extensions"]["code"] == "BAD_INPUT"
    assert rn.store.run_text("MATCH (o:Order) RETURN count(o) AS n")[0]["n"] == 0


def booked(data) -> dict[str, tuple[str, str]]:
    rn = open_engine(type("Args", (), {"data": str(data), "plan": None})())
    try:
        rows = rn.store.run_text("MATCH (o:Order) RETURN o.id AS id, o.buyer_id AS buyer, o.period AS period")
        return {row["id"]: (row["buyer"], row["period"]) for row in rows}
    finally:
        rn.store.close()


@pytest.mark.integration  # starts its own database
def test_the_command_reads_csv_and_json_lines_in_batches(tmp_path, capsys):
    data = tmp_path / "data"
    people = tmp_path / "people.csv"
    people.write_text("id,name,sponsorId\nS,Sam,\nA,Ann,S\n", encoding="utf-8")
    assert main(["register", str(people), "--data", str(data)]) == 0
    sales = tmp_path / "sales.csv"
    sales.write_text("id,buyerId,amount,at\no1,S,1000.00,2026-11-02T10:00:00Z\no2,ghost,1000.00,\n"
                     "o3,A,5000.00,2026-11-03T10:00:00\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["record-orders", str(sales), "--data", str(data), "--batch-size", "2"]) == 1
    out = capsys.readouterr().out
    assert "2: NOT_FOUND: buyerId: no member with id 'ghost'" in out
    assert "2/3 orders done, 1 refused" in out and "2 recorded, 1 refused" in out
    more = tmp_path / "more.jsonl"
    more.write_text("\n".join(json.dumps(row) for row in [
        {"id": "o1", "buyerId": "S", "amount": "1000.00", "at": "2026-11-02T10:00:00Z"},  # again: the stored one
        {"id": "o4", "buyerId": "A", "amount": 1000},
    ]) + "\n", encoding="utf-8")
    assert main(["record-orders", str(more), "--data", str(data)]) == 0
    found = booked(data)
    assert sorted(found) == ["o1", "o3", "o4"] and found["o3"] == ("A", "2026-11")


@pytest.mark.integration  # starts its own database
def test_a_malformed_file_is_refused_before_anything_is_booked(tmp_path, capsys):
    data = tmp_path / "data"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "o1", "buyerId": "S", "amount": "1000.00"}\n{"id": "o2", "buyerId": "S", "amount": "ten"}\n',
                   encoding="utf-8")
    assert main(["record-orders", str(bad), "--data", str(data)]) == 2
    assert "record 2: amount 'ten' is not a number" in capsys.readouterr().err
    float_amount = tmp_path / "float.jsonl"
    float_amount.write_text('{"id": "o1", "buyerId": "S", "amount": 1000.5, "price": 1}\n', encoding="utf-8")
    assert main(["record-orders", str(float_amount), "--data", str(data)]) == 2
    assert "unknown field(s) price" in capsys.readouterr().err


@pytest.mark.integration  # starts its own database
def test_the_import_files_snake_case_names_work_too(tmp_path, capsys):
    data = tmp_path / "data"
    people = tmp_path / "people.csv"
    people.write_text("id,name,sponsor_id\nS,Sam,\nA,Ann,S\n", encoding="utf-8")
    assert main(["register", str(people), "--data", str(data)]) == 0
    both = tmp_path / "both.jsonl"
    both.write_text(json.dumps({"id": "o1", "buyer_id": "S", "buyerId": "A", "amount": "1000.00"}) + "\n",
                    encoding="utf-8")
    assert main(["record-orders", str(both), "--data", str(data)]) == 2
    assert "record 1: buyer_id is given twice" in capsys.readouterr().err
    sales = tmp_path / "orders.csv"  # the columns of `refnet import`'s orders file
    sales.write_text("id,buyer_id,amount,at,referrer_id\no1,S,1000.00,2026-11-02T10:00:00Z,\n"
                     "o2,A,1000.00,2026-11-03T10:00:00Z,S\n", encoding="utf-8")
    assert main(["record-orders", str(sales), "--data", str(data)]) == 0
    found = booked(data)
    assert sorted(found) == ["o1", "o2"] and found["o2"][0] == "A"
