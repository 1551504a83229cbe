"""`refnet import` (issue 16): legacy placements kept, slide-down by rules §2, historical orders
that count but pay nothing, opening balances that the ledger explains; all or nothing."""

from __future__ import annotations

import json
import random
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cli import main as cli
from graph.admin import import_files, importer
from graph.core.errors import BadInput, DomainError
from graph.core.periods import parse_time
from graph.ledger import orders
from graph.network import members
from graph.service import Refnet
from tests.support.placement_model import PlacementModel

PRICES = ("1000.00", "5000.00", "10000.00")


def legacy_network(n: int, seed: int) -> tuple[list[dict], PlacementModel]:
    """Members in file order: a root, then members with a random earlier sponsor; about half keep
    a legacy placement (a random recent member with a free slot, its lowest free slot), the
    others are left to the slide-down rule. Also the independent model of rules §2 initialised
    from the file as it is generated."""
    rng = random.Random(seed)
    model = PlacementModel()
    model.register("root", None)
    rows = [{"id": "root", "name": "Company", "sponsor_id": "", "placement_parent_id": "", "slot": ""}]
    ids = ["root"]
    for index in range(n):
        member_id = f"m{index}"
        sponsor = ids[int(len(ids) * rng.random() ** 2)]
        row = {"id": member_id, "name": f"Member {index}", "sponsor_id": sponsor, "placement_parent_id": "", "slot": ""}
        if rng.random() < 0.5:
            parent = rng.choice([m for m in ids if len(model.children[m]) < 3][-30:])
            slot = min(s for s in (1, 2, 3) if s not in model.children[parent])
            row.update(placement_parent_id=parent, slot=str(slot))
            _place_legacy(model, member_id, sponsor, parent, slot)
        else:
            model.register(member_id, sponsor)
        rows.append(row)
        ids.append(member_id)
    return rows, model


def _place_legacy(model: PlacementModel, member: str, sponsor: str, parent: str, slot: int) -> None:
    model.sponsor[member] = sponsor
    model.order[member] = len(model.order)
    model.children[member] = {}
    model.referrals[member] = 0
    model.r[member] = 0
    model.referrals[sponsor] += 1
    model.children[parent][slot] = member
    model.parent[member], model.slot[member] = parent, slot
    model.depth[member] = model.depth[parent] + 1


def csv_text(rows: list[dict]) -> str:
    header = list(rows[0])
    return "\n".join([",".join(header)] + [",".join(str(row[c]) for c in header) for row in rows]) + "\n"


def placements(rn: Refnet) -> dict[str, tuple[str | None, int | None]]:
    rows = rn.store.run_text("MATCH (m:Member) OPTIONAL MATCH (m)-[l:PLACED_UNDER]->(p:Member) "
                             "RETURN m.id AS id, p.id AS parent, l.slot AS slot")
    return {row["id"]: (row["parent"], row["slot"]) for row in rows}


def version(rn: Refnet) -> int:
    return rn.store.run("meta_version")[0]["version"]


def test_legacy_placements_kept_and_registrations_follow_the_rules(rn):
    rows, model = legacy_network(300, seed=5)
    result = importer.import_files(rn, import_files.members_of(csv_text(rows)), [], [])
    assert result.members == 301
    stored = placements(rn)
    for row in rows:
        if row["placement_parent_id"]:
            assert stored[row["id"]] == (row["placement_parent_id"], int(row["slot"]))
    assert stored == {m: (model.parent[m], model.slot[m]) for m in model.parent}
    rng = random.Random(11)
    ids = [row["id"] for row in rows]
    for index in range(200):
        sponsor = ids[int(len(ids) * rng.random() ** 2)]
        member_id = f"api{index}"
        placed = members.register(rn, "New", sponsor_id=sponsor, member_id=member_id)
        model.register(member_id, sponsor)
        assert (placed.parent_id, placed.slot) == (model.parent[member_id], model.slot[member_id]), member_id
        ids.append(member_id)
    sizes = {row["id"]: row["size"] for row in rn.store.run_text("MATCH (m:Member) RETURN m.id AS id, m.size AS size")}
    assert sizes == {m: len(model.subtree(m)) for m in model.parent}


def order_rows(ids: list[str], n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    start = int(datetime(2025, 1, 1, tzinfo=timezone.utc).timestamp() * 1000)
    result = []
    for index in range(n):
        at = datetime.fromtimestamp((start + index * 3_600_000) / 1000, tz=timezone.utc)
        result.append({"id": f"o{index}", "buyer_id": rng.choice(ids[1:]), "amount": rng.choice(PRICES),
                       "at": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                       "referrer_id": rng.choice(ids) if index % 7 == 0 else ""})
    return result


COUNTERS = ("status", "packages", "quota", "agent_referrals", "team_orders", "team_sales", "shares_milli",
            "identity", "size", "referrals", "free_id")


def counters(rn: Refnet) -> dict[str, dict]:
    props = ", ".join(f"coalesce(m.{name}, 0) AS {name}" for name in COUNTERS)
    return {row["id"]: row for row in rn.store.run_text(f"MATCH (m:Member) RETURN m.id AS id, {props}")}


def test_historical_orders_count_like_live_orders_and_pay_nothing(rn, falkor, plan):
    rows = [{**row, "placement_parent_id": "", "slot": ""} for row in legacy_network(60, seed=8)[0]]
    history = order_rows([row["id"] for row in rows], 150, seed=9)
    importer.import_files(rn, import_files.members_of(csv_text(rows)), [], [])
    importer.import_files(rn, [], import_files.orders_of(csv_text(history)), [])

    live = Refnet.start(falkor.with_graph(f"live_{id(rn)}"), plan)
    for row in rows:
        members.register(live, row["name"], sponsor_id=row["sponsor_id"] or None, member_id=row["id"])
    for order in import_files.orders_of(csv_text(history)):
        orders.record_order(live, order.id, order.buyer_id, order.amount, referrer_id=order.referrer_id, at=order.at)

    assert counters(rn) == counters(live)
    referred = "MATCH (o:Order)-[:REFERRED_BY]->(r:Member) RETURN o.id AS o, r.id AS r ORDER BY o"
    assert rn.store.run_text(referred) == live.store.run_text(referred) != []
    assert any(row["status"] == "BOSS" for row in counters(rn).values())
    assert rn.store.run_text("MATCH (e:Entry) RETURN count(e) AS n")[0]["n"] == 0
    assert rn.store.run_text("MATCH (p:Pool) RETURN count(p) AS n")[0]["n"] == 0
    imported = rn.store.run_text("MATCH (o:Order) RETURN count(o) AS n, sum(o.amount) AS cents")[0]
    assert imported["n"] == 150
    again = orders.record_order(rn, "o0", history[0]["buyer_id"], Decimal(history[0]["amount"]),
                                referrer_id=history[0]["referrer_id"] or None)
    assert again.id == "o0" and rn.store.run_text("MATCH (e:Entry) RETURN count(e) AS n")[0]["n"] == 0


@pytest.fixture
def differential_plan():
    from graph.core.plan import load_plan

    return load_plan("differential")


def test_historical_orders_give_the_same_ranks_under_the_differential_plan(falkor, differential_plan):
    from graph.plans.differential import close as differential_close

    rows = [{**row, "placement_parent_id": "", "slot": ""} for row in legacy_network(40, seed=3)[0]]
    history = [{**row, "amount": f"{random.Random(index).randint(100, 9000)}.00"}
               for index, row in enumerate(order_rows([row["id"] for row in rows], 120, seed=4))]
    imported = Refnet.start(falkor.with_graph(f"diff_import_{id(rows)}"), differential_plan)
    importer.import_files(imported, import_files.members_of(csv_text(rows)),
                          import_files.orders_of(csv_text(history)), [])
    live = Refnet.start(falkor.with_graph(f"diff_live_{id(rows)}"), differential_plan)
    for row in rows:
        members.register(live, row["name"], sponsor_id=row["sponsor_id"] or None, member_id=row["id"])
    for order in import_files.orders_of(csv_text(history)):
        orders.record_order(live, order.id, order.buyer_id, order.amount, referrer_id=order.referrer_id, at=order.at)
    for rn in (imported, live):
        for period in ("2025-01", "2025-02", "2025-03"):
            differential_close.close_period(rn, period)
    ranks = "MATCH (m:Member) RETURN m.id AS id, m.rank AS rank, m.rank_period AS period ORDER BY id"
    assert imported.store.run_text(ranks) == live.store.run_text(ranks)
    assert any(row["rank"] for row in imported.store.run_text(ranks))
    assert imported.store.run_text("MATCH (e:Entry) RETURN count(e) AS n")[0]["n"] == 0
    assert live.store.run_text("MATCH (e:Entry) RETURN count(e) AS n")[0]["n"] > 0


def test_opening_balances_equal_a_recount_of_the_ledger(rn):
    rows = [{**row, "placement_parent_id": "", "slot": ""} for row in legacy_network(20, seed=2)[0]]
    history = order_rows([row["id"] for row in rows], 40, seed=2)
    buyers = sorted({order["buyer_id"] for order in history})
    balances = [{"member_id": member_id, "available": f"{(i * 37) % 500 - 100}.25", "frozen": f"{i * 3}.10",
                 "quota_used": "100.00", "points": f"{i}.5"} for i, member_id in enumerate(buyers)]
    importer.import_files(rn, import_files.members_of(csv_text(rows)), import_files.orders_of(csv_text(history)),
                          import_files.balances_of(csv_text(balances)))
    stored = {row["id"]: row for row in rn.store.run_text(
        "MATCH (m:Member) RETURN m.id AS id, coalesce(m.paid, 0) AS paid, coalesce(m.frozen, 0) AS frozen, "
        "coalesce(m.quota_used, 0) AS quota_used, coalesce(m.points, 0) AS points")}
    recount: dict[str, dict[str, int]] = {m: {"paid": 0, "frozen": 0, "quota_used": 0, "points": 0} for m in stored}
    for entry in rn.store.run_text("MATCH (e:Entry)-[:TO]->(m:Member) RETURN m.id AS id, e.rule AS rule, "
                                   "e.status AS status, e.amount AS amount, e.quota_used AS quota_used, "
                                   "e.points AS points, e.explanation AS explanation"):
        assert entry["rule"] == "opening_balance" and entry["explanation"]
        counted = recount[entry["id"]]
        counted["paid" if entry["status"] == "PAID" else "frozen"] += entry["amount"]
        counted["quota_used"] += entry["quota_used"] or 0
        counted["points"] += entry["points"] or 0
    assert {m: {k: v for k, v in row.items() if k != "id"} for m, row in stored.items()} == recount
    assert any(row["paid"] < 0 for row in stored.values())


BAD_FILES = [
    ("members", "id,name,sponsor_id\nroot,Co,\na,A,root\nb,,root\n", "members.csv line 4, name"),
    ("members", "id,name,sponsor_id\nroot,Co,\na,A,nobody\n", "members.csv line 3, sponsor_id"),
    ("members", "id,name,sponsor_id,placement_parent_id,slot\nroot,Co,,,\na,A,root,root,2\n",
     "members.csv line 3, slot"),
    ("orders", "id,buyer_id,amount,at\no1,a,1000.00,2025-01-01\no2,a,12.5x,2025-01-01\n", "orders.csv line 3, amount"),
    ("orders", "id,buyer_id,amount,at\no1,a,1000.00,2025-01-01\no2,zed,1000.00,2025-01-01\n",
     "orders.csv line 3, buyer_id"),
    ("orders", "id,buyer_id,amount,at\no1,a,999.00,2025-01-01\n", "orders.csv line 2, amount"),
    ("orders", "id,buyer_id,amount,at\no1,a,1000.00,2025-01-01\no2,a,1000.00,2099-01-01\n",
     "orders.csv line 3, at: 2099-01-01T00:00:00Z is in the future"),
    ("members", "id,name,sponsor_id,registered_at\nroot,Co,,\na,A,root,2099-01-01\n",
     "members.csv line 3, registered_at: 2099-01-01T00:00:00Z is in the future"),
    ("balances", "member_id,available,frozen\na,1.00,0\nb,2.00,-1\n", "balances.csv line 3, frozen"),
    ("balances", "member_id,available,quota_used\na,1.00,5000.00\n", "balances.csv line 2, quota_used"),
]


@pytest.mark.parametrize("kind,text,where", BAD_FILES)
def test_a_bad_row_in_any_file_imports_nothing(rn, kind, text, where):
    files = {
        "members": "id,name,sponsor_id\nroot,Co,\na,A,root\nb,B,root\n",
        "orders": "id,buyer_id,amount,at\no1,a,1000.00,2025-01-01\n",
        "balances": "member_id,available\na,1.00\n",
        kind: text,
    }
    before = version(rn)
    with pytest.raises(DomainError) as raised:
        importer.import_files(rn, import_files.members_of(files["members"]), import_files.orders_of(files["orders"]),
                              import_files.balances_of(files["balances"]))
    assert raised.value.message.startswith(where), raised.value.message
    assert version(rn) == before
    assert rn.store.run_text("MATCH (n) WHERE n:Member OR n:Order OR n:Entry RETURN count(n) AS n")[0]["n"] == 0


def test_re_running_the_same_files_changes_nothing_and_other_content_is_refused(rn):
    members_csv = "id,name,sponsor_id,registered_at,landing_slug\nroot,Co,,2020-01-01,\na,A,root,2020-02-01,ann\n"
    orders_csv = "id,buyer_id,amount,at\no1,a,1000.00,2025-01-01\n"
    balances_csv = "member_id,available,frozen,quota_used,points\na,12.34,1.00,10.00,2.5\n"

    def run(m=members_csv, o=orders_csv, b=balances_csv):
        return importer.import_files(rn, import_files.members_of(m), import_files.orders_of(o),
                                     import_files.balances_of(b))

    assert (run().members, run.__name__) == (2, "run")
    before, snapshot = version(rn), counters(rn)
    again = run()
    assert (again.members, again.orders, again.balances) == (0, 0, 0)
    assert again.skipped == {"members": 2, "orders": 1, "balances": 1}
    assert version(rn) == before and counters(rn) == snapshot
    with pytest.raises(DomainError, match="orders.csv line 2, id"):
        run(o="id,buyer_id,amount,at\no1,a,5000.00,2025-01-01\n")
    with pytest.raises(DomainError, match="balances.csv line 2, member_id"):
        run(b="member_id,available\na,99.00\n")
    for changed, field in ((members_csv.replace("a,A,root", "a,Ann,root"), "name"),
                           (members_csv.replace("a,A,root,2020-02-01", "a,A,root,2020-02-02"), "registered_at"),
                           ("id,name,kind,sponsor_id\nroot,Co,CUSTOMER,\n", "kind")):
        with pytest.raises(DomainError, match=f"members.csv line [23], id: .* different {field}"):
            run(m=changed)
    assert version(rn) == before
    registered = rn.store.run_text("MATCH (m:Member {id: 'a'}) RETURN m.created_at AS at, m.landing_slug AS slug")[0]
    assert registered == {"at": 1580515200000, "slug": "ann"}


@pytest.mark.integration
def test_the_command_line_imports_and_reports(tmp_path, capsys):
    (tmp_path / "m.csv").write_text("id,name,sponsor_id\nroot,Co,\na,A,root\n", encoding="utf-8")
    (tmp_path / "o.csv").write_text("id,buyer_id,amount,at\no1,a,1000.00,2025-01-01\n", encoding="utf-8")
    data = str(tmp_path / "data")
    args = ["import", "--data", data, "--members", str(tmp_path / "m.csv"), "--orders", str(tmp_path / "o.csv")]
    assert cli.main(args) == 0
    assert "imported 2 members, 1 order, 0 opening balances" in capsys.readouterr().out
    assert cli.main(args) == 0
    assert "imported 0 members, 0 orders, 0 opening balances (3 rows already imported)" in capsys.readouterr().out
    (tmp_path / "bad.csv").write_text("id,name,sponsor_id\nb,B,zed\n", encoding="utf-8")
    assert cli.main(["import", "--data", data, "--members", str(tmp_path / "bad.csv")]) == 2
    assert "bad.csv line 2, sponsor_id" in capsys.readouterr().err
    (tmp_path / "b.csv").write_text("member_id,available\na,12.50\n", encoding="utf-8")
    assert cli.main(["import", "--data", data, "--balances", str(tmp_path / "b.csv")]) == 0
    capsys.readouterr()
    month = datetime.now(timezone.utc).strftime("%Y-%m")
    assert cli.main(["payouts", month, "--data", data]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].startswith("a,A,0.00,12.50,0.00") and out[-1].startswith("TOTAL,")
    assert cli.main(["payouts", month, "--data", data, "--format", "json"]) == 0
    assert '"to_pay": "12.50"' in capsys.readouterr().out
    assert cli.main(["statement", "a", month, "--data", data]) == 0
    assert "opening_balance,PAID,12.50,12.50,12.50" in capsys.readouterr().out
    assert cli.main(["statement", "a", month, "--data", data, "--format", "html"]) == 0
    assert "Closing balance: <b>12.50</b>" in capsys.readouterr().out


def live_network(rn: Refnet, n: int, rng: random.Random) -> tuple[PlacementModel, list[str]]:
    """A root and n members registered through the engine (skewed sponsors), mirrored in the model."""
    model = PlacementModel()
    members.register(rn, "Company", member_id="root")
    model.register("root", None)
    ids = ["root"]
    for index in range(n):
        sponsor = ids[int(len(ids) * rng.random() ** 2)]
        members.register(rn, "Live", sponsor_id=sponsor, member_id=f"live{index}")
        model.register(f"live{index}", sponsor)
        ids.append(f"live{index}")
    return model, ids


def test_import_into_a_graph_with_members_keeps_counting_right(rn):
    rng = random.Random(21)
    model, ids = live_network(rn, 25, rng)
    rows = []
    for index in range(60):
        member_id, sponsor = f"imp{index}", ids[int(len(ids) * rng.random() ** 2)]
        row = {"id": member_id, "name": "Imported", "sponsor_id": sponsor, "placement_parent_id": "", "slot": ""}
        if rng.random() < 0.4:
            parent = rng.choice([m for m in ids if len(model.children[m]) < 3])
            slot = min(s for s in (1, 2, 3) if s not in model.children[parent])
            row.update(placement_parent_id=parent, slot=str(slot))
            _place_legacy(model, member_id, sponsor, parent, slot)
        else:
            model.register(member_id, sponsor)
        rows.append(row)
        ids.append(member_id)
    assert importer.import_files(rn, import_files.members_of(csv_text(rows)), [], []).members == 60
    assert placements(rn) == {m: (model.parent[m], model.slot[m]) for m in model.parent}
    for index in range(60):
        sponsor = ids[int(len(ids) * rng.random() ** 2)]
        placed = members.register(rn, "After", sponsor_id=sponsor, member_id=f"after{index}")
        model.register(f"after{index}", sponsor)
        assert (placed.parent_id, placed.slot) == (model.parent[f"after{index}"], model.slot[f"after{index}"])
    stored = {row["id"]: (row["size"], row["referrals"]) for row in rn.store.run_text(
        "MATCH (m:Member) RETURN m.id AS id, m.size AS size, m.referrals AS referrals")}
    assert stored == {m: (len(model.subtree(m)), model.referrals[m]) for m in model.parent}


def test_history_imported_after_live_orders_adds_to_their_counters(rn, falkor, plan):
    rows = [{**row, "placement_parent_id": "", "slot": ""} for row in legacy_network(30, seed=12)[0]]
    history = order_rows([row["id"] for row in rows], 80, seed=13)
    live = Refnet.start(falkor.with_graph(f"mixed_live_{id(rows)}"), plan)
    for engine in (rn, live):
        for row in rows:
            members.register(engine, row["name"], sponsor_id=row["sponsor_id"] or None, member_id=row["id"])
    parsed = import_files.orders_of(csv_text(history))
    for order in parsed[:30]:  # recorded through the API before the import, in both graphs
        for engine in (rn, live):
            orders.record_order(engine, order.id, order.buyer_id, order.amount, referrer_id=order.referrer_id,
                                at=order.at)
    importer.import_files(rn, [], parsed[30:], [])
    for order in parsed[30:]:
        orders.record_order(live, order.id, order.buyer_id, order.amount, referrer_id=order.referrer_id, at=order.at)
    assert counters(rn) == counters(live)


def test_members_the_import_fills_rotate_like_registered_ones(rn):
    """A member whose third slot an import fills is full from then on: the next rotations move
    its lines, and registrations slide as the model says (rules §2 and §4)."""
    from graph.network import rotation

    rng = random.Random(33)
    model, ids = live_network(rn, 10, rng)
    rotation.rotate(rn, "2026-W40")
    model.rotate()
    rows = []
    for index in range(40):
        member_id, sponsor = f"imp{index}", ids[int(len(ids) * rng.random() ** 2)]
        rows.append({"id": member_id, "name": "Imported", "sponsor_id": sponsor, "placement_parent_id": "", "slot": ""})
        model.register(member_id, sponsor)
        ids.append(member_id)
    importer.import_files(rn, import_files.members_of(csv_text(rows)), [], [])
    for week in ("2026-W41", "2026-W42"):
        rotation.rotate(rn, week)
        model.rotate()
    offsets = {row["id"]: row["r"] for row in rn.store.run_text(
        "MATCH (v:Meta {key: 'version'}) MATCH (m:Member) "
        "RETURN m.id AS id, coalesce(v.rotation_runs - m.full_at, 0) AS r")}
    assert offsets == {m: model.r[m] for m in model.parent}
    assert any(r > 0 for m, r in offsets.items() if m.startswith("imp"))
    for index in range(40):
        sponsor = ids[int(len(ids) * rng.random() ** 2)]
        placed = members.register(rn, "After", sponsor_id=sponsor, member_id=f"after{index}")
        model.register(f"after{index}", sponsor)
        assert (placed.parent_id, placed.slot) == (model.parent[f"after{index}"], model.slot[f"after{index}"])


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 12, 31, 23, 59, 59)),
       st.sampled_from(["%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S+02:00"]))
def test_the_import_reads_times_as_the_api_does(moment, form):
    text = moment.strftime(form)
    assert import_files.parse_time(text) == parse_time(text)


@pytest.mark.parametrize("text", ["2024-02-30T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T10:60:00Z",
                                  "2024-01-01T10:00:60Z", "2024-13-01T00:00:00Z"])
def test_an_impossible_time_is_refused_naming_the_whole_text(text):
    with pytest.raises(BadInput, match=f"at: '{text}' is not an ISO 8601 time"):
        import_files.parse_time(text)


def test_order_amounts_carry_their_cents():
    rows = import_files.orders_of("id,buyer_id,amount,at\no1,a,1000,2024-01-01\no2,a,12.5,2024-01-01\n"
                                  "o3,a,0.07,2024-01-01\n")
    assert [(row.amount, row.cents) for row in rows] == [(Decimal("1000.00"), 100000), (Decimal("12.50"), 1250),
                                                          (Decimal("0.07"), 7)]
    with pytest.raises(BadInput, match="orders.csv line 2, amount: must be positive"):
        import_files.orders_of("id,buyer_id,amount,at\no1,a,0,2024-01-01\n")


def test_a_column_named_twice_is_refused():
    with pytest.raises(BadInput, match="members.csv line 1, header: column 'name' is named twice"):
        import_files.members_of("id,name,sponsor_id,name\nroot,Company,,Other\n")


def test_json_lines_files_import_as_their_csv_twins(rn, tmp_path, capsys):
    members_rows = [{"id": "root", "name": "Co", "sponsor_id": None},
                    {"id": "a", "name": " A ", "sponsor_id": "root", "kind": "customer"},
                    {"id": "b", "name": "B", "sponsor_id": "root", "placement_parent_id": "a", "slot": 1}]
    as_csv = import_files.members_of("id,name,sponsor_id,kind,placement_parent_id,slot\nroot,Co,,,,\n"
                                     "a, A ,root,customer,,\nb,B,root,,a,1\n")
    as_json = import_files.members_of("\n".join(json.dumps(row) for row in members_rows) + "\n\n", "m.jsonl")
    assert [(r.id, r.name, r.kind, r.sponsor_id, r.parent_id, r.slot) for r in as_json] == [
        (r.id, r.name, r.kind, r.sponsor_id, r.parent_id, r.slot) for r in as_csv]
    orders_text = json.dumps({"id": "o1", "buyer_id": "a", "amount": "1000.00", "at": "2025-01-01T10:00:00Z"})
    assert importer.import_files(rn, as_json, import_files.orders_of(orders_text, "o.ndjson"), []).orders == 1
    assert rn.store.run_text("MATCH (o:Order {id: 'o1'})-[:BOUGHT_BY]->(m:Member) RETURN m.id AS buyer, "
                             "o.amount AS cents")[0] == {"buyer": "a", "cents": 100000}
    for text, message in [
        ('{"id": "x", "name": "X", "sponsor_id": "root"}\n{"id": "y", "name": "Y", "sponsor": "x"}',
         "m.jsonl line 2, sponsor: unknown field"),
        ('{"id": "x", "name": "X", "sponsor_id": "root"}\n\n{"id": "y", "name": ""}', "m.jsonl line 3, name: empty"),
        ('["x"]', "m.jsonl line 1, row: expected an object"),
        ('{"id": "x",', "m.jsonl line 1, row: not JSON"),
    ]:
        with pytest.raises(BadInput, match=message):
            import_files.members_of(text, "m.jsonl")
    with pytest.raises(BadInput, match=r"o.jsonl line 1, amount: must be text or a whole number, got 1000.5"):
        import_files.orders_of('{"id": "o2", "buyer_id": "a", "amount": 1000.5, "at": "2025-01-01"}', "o.jsonl")


def test_a_json_lines_name_may_hold_a_line_separator():
    rows = import_files.members_of(json.dumps({"id": "root", "name": "Co\u2028Ltd", "sponsor_id": None},
                                              ensure_ascii=False) + "\r\n", "m.jsonl")
    assert [row.name for row in rows] == ["Co\u2028Ltd"]


def test_re_running_balances_after_their_month_moved_to_the_archive_changes_nothing(rn, tmp_path):
    from graph.ledger import archive, period_close
    from tests.support.refunds import ms

    members_csv = "id,name,sponsor_id,registered_at\nroot,Co,,2020-01-01\na,A,root,2020-02-01\n"
    balances_csv = "member_id,available,frozen\na,12.34,1.00\n"

    def run():
        return importer.import_files(rn, import_files.members_of(members_csv), [],
                                     import_files.balances_of(balances_csv))

    rn.clock = lambda: ms("2026-10-15T00:00:00")
    assert run().balances == 1
    rn.clock = lambda: ms("2026-11-02T00:00:00")
    rn.archive = tmp_path / "archive"
    period_close.close_period(rn, "2026-10")
    archive.archive_period(rn, "2026-10")  # done already by the close: finishes nothing, moves nothing
    assert rn.store.run_text("MATCH (e:Entry) RETURN count(e) AS n")[0]["n"] == 0  # the balances are archived
    before = counters(rn)
    again = run()
    assert (again.balances, again.skipped["balances"]) == (0, 1)
    assert counters(rn) == before
    with pytest.raises(DomainError, match="balances.csv line 2, member_id"):
        importer.import_files(rn, [], [], import_files.balances_of("member_id,available\na,99.00\n"))
