"""Two processes on one graph (issue 18): `refnet serve` books single writes through its group
commit while `refnet register` and `refnet record-orders` (another process, attached to the
service's database) book files in batches. serve computes its writes from its in-process working
set, which the jobs' writes make stale (then dropped, recomputed from the graph, reloaded later).
Each process's in-batch view is read under the
graph's version guard, so a batch computed on a graph the other process moved is computed
again: nothing is booked twice, placements never collide, every order conserves."""

from __future__ import annotations

import json
import threading

import pytest

from graph.service import Refnet
from graph.store.store import open_store
from tests.support.placement_model import PLACEMENTS, assert_placed_in_seq_order
from tests.support.serve import ORDER, REGISTER, Served, check_conservation, refnet

pytestmark = pytest.mark.integration  # refnet serve and the command line in subprocesses

PRICES = ("1000.00", "5000.00", "10000.00")


def test_serve_and_a_cli_job_share_one_graph(tmp_path):
    data = tmp_path / "data"
    served = Served(data, log=tmp_path / "serve.log")
    acknowledged: dict[str, str] = {}
    orders: list[str] = []
    try:
        served.wait_healthy()
        served.ok(REGISTER, id="root")
        for index in range(3):
            served.ok(REGISTER, id=f"s{index}", s="root")
        people = tmp_path / "people.jsonl"
        people.write_text("\n".join(json.dumps({"id": f"f{i}", "name": "F", "sponsorId": ["root", "s0", "s1"][i % 3]})
                                    for i in range(300)) + "\n", encoding="utf-8")
        sales = tmp_path / "sales.csv"
        sales.write_text("id,buyerId,amount\n" + "".join(f"fo{i},{['root', 's0', 's1', 's2'][i % 4]},{PRICES[i % 3]}\n"
                                                        for i in range(300)), encoding="utf-8")
        stop = threading.Event()

        def client(prefix: str) -> None:
            index = 0
            while not stop.is_set():
                index += 1
                sponsor = ["root", "s0", "s1", "s2"][index % 4]
                if not served.post(REGISTER, id=f"{prefix}{index}", s=sponsor).get("errors"):
                    acknowledged[f"{prefix}{index}"] = sponsor
                if not served.post(ORDER, id=f"{prefix}o{index}", b=sponsor, a=PRICES[index % 3]).get("errors"):
                    orders.append(f"{prefix}o{index}")

        clients = [threading.Thread(target=client, args=(f"c{n}-",)) for n in range(3)]
        for thread in clients:
            thread.start()
        try:
            registered = refnet("register", str(people), "--data", str(data), "--batch-size", "50", timeout=600)
            recorded = refnet("record-orders", str(sales), "--data", str(data), "--batch-size", "50", timeout=600)
        finally:
            stop.set()
            for thread in clients:
                thread.join()
        assert registered.returncode == 0, registered.stdout + registered.stderr
        assert recorded.returncode == 0, recorded.stdout + recorded.stderr
        assert "300 recorded, 0 refused" in recorded.stdout
    finally:
        served.stop()
    log = (tmp_path / "serve.log").read_text(errors="replace")
    # serve computed its writes from its working set (issue 18), and the jobs' writes made it
    # drop the set (then recompute from the graph) instead of booking from a stale one
    assert "working set loaded" in log and "working set dropped" in log
    store = open_store(data, url="")
    try:
        Refnet.start(store)
        rows = store.run_text(PLACEMENTS)
        ids = [row["id"] for row in rows]
        assert len(ids) == len(set(ids)), "a member registered twice"
        assert {f"f{i}" for i in range(300)} | set(acknowledged) <= set(ids)
        assert len(acknowledged) > 0 and len(orders) > 0
        places = [(row["parent"], row["slot"]) for row in rows if row["parent"] is not None]
        assert len(places) == len(set(places)), "two members in one placement slot"
        seqs = [row["seq"] for row in rows]
        assert len(seqs) == len(set(seqs)), "two members with one registration number"
        assert_placed_in_seq_order(rows)
        stored_orders = {row["id"] for row in store.run_text("MATCH (o:Order) RETURN o.id AS id")}
        assert {f"fo{i}" for i in range(300)} | set(orders) <= stored_orders
        assert check_conservation(store) == len(stored_orders)
    finally:
        store.close()
