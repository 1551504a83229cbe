"""Crash trial (issue 12): `refnet serve` is SIGKILLed, whole process group (refnet and its
database server), at random moments while clients register members and record orders — one by
one (booked together by the service's group commit) and in batches (`registerMembers`,
`recordOrders`, issue 18) — once while a month close runs and once while a weekly rotation
runs; then started again. At the end every acknowledged registration and order must be there,
nothing (acknowledged or not) booked twice, every order's entries adding up to its amount, and
the killed close and rotation finished by their re-run.

    python -m bench.crash_trial [KILLS] [--seed S]     (default 12 kills; the suite runs 5)
"""

from __future__ import annotations

import argparse
import contextlib
import random
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from graph.core.money import to_cents
from graph.ledger.orders import get_orders
from graph.service import Refnet
from graph.store.store import open_store
from tests.support.serve import ORDER_AT, REGISTER, Served, check_conservation, last_month, member_ids

PRICES = ("1000.00", "5000.00", "10000.00")  # the linkage plan's package prices
MONTH = last_month()  # the month the orders are dated in and closed: a period closes once it has ended
ORDERS_AT = f"{MONTH}-15T12:00:00Z"  # orders after its close are late ones, booked in the open month


@dataclass
class Tally:
    kills: int = 0
    members: dict[str, str] = field(default_factory=dict)  # acknowledged: id → sponsor
    orders: dict[str, tuple[str, int]] = field(default_factory=dict)  # acknowledged: id → (buyer, cents)
    lost_members: int = 0
    lost_orders: int = 0
    duplicates: int = 0  # members, orders or entries stored more than once
    checked_orders: int = 0
    close_entries: int = 0


def _writer(served: Served, tally: Tally, lock: threading.Lock, rng: random.Random, prefix: str,
            stop: threading.Event) -> None:
    index = 0
    while not stop.is_set():
        index += 1
        with lock:
            known = list(tally.members)
        try:
            if rng.random() < 0.5 or len(known) < 3:
                member, sponsor = f"{prefix}m{index}", rng.choice(known)
                if not served.post(REGISTER, id=member, s=sponsor).get("errors"):
                    with lock:
                        tally.members[member] = sponsor
            else:
                order, buyer, price = f"{prefix}o{index}", rng.choice(known), rng.choice(PRICES)
                if not served.post(ORDER_AT, id=order, b=buyer, a=price, at=ORDERS_AT).get("errors"):
                    with lock:
                        tally.orders[order] = (buyer, int(price.replace(".", "")))
        except Exception:  # noqa: BLE001 - the service was killed under the request: not acknowledged
            time.sleep(0.05)


REGISTER_MANY = ('mutation($inputs: [RegisterInput!]!) { registerMembers(inputs: $inputs) '
                 '{ member { id } error { code } } }')
ORDER_MANY = 'mutation($inputs: [OrderInput!]!) { recordOrders(inputs: $inputs) { order { id } error { code } } }'


def _batch_writer(served: Served, tally: Tally, lock: threading.Lock, rng: random.Random, prefix: str,
                  stop: threading.Event) -> None:
    """Sends batches of 2–20 registrations or orders; an item is acknowledged by its own result."""
    index = 0
    while not stop.is_set():
        index += 1
        with lock:
            known = list(tally.members)
        size = rng.randint(2, 20)
        try:
            if rng.random() < 0.5 or len(known) < 3:
                wanted = {f"{prefix}b{index}m{i}": rng.choice(known) for i in range(size)}
                inputs = [{"id": member, "name": "M", "sponsorId": sponsor} for member, sponsor in wanted.items()]
                results = served.post(REGISTER_MANY, inputs=inputs)["data"]["registerMembers"]
                with lock:
                    for (member, sponsor), result in zip(wanted.items(), results, strict=True):
                        if result["error"] is None:
                            tally.members[member] = sponsor
            else:
                orders = {f"{prefix}b{index}o{i}": (rng.choice(known), rng.choice(PRICES)) for i in range(size)}
                inputs = [{"id": order, "buyerId": buyer, "amount": price, "at": ORDERS_AT}
                          for order, (buyer, price) in orders.items()]
                results = served.post(ORDER_MANY, inputs=inputs)["data"]["recordOrders"]
                with lock:
                    for (order, (buyer, price)), result in zip(orders.items(), results, strict=True):
                        if result["error"] is None:
                            tally.orders[order] = (buyer, int(price.replace(".", "")))
        except Exception:  # noqa: BLE001 - the service was killed under the request: not acknowledged
            time.sleep(0.05)


def duplicates(store) -> int:
    """Members, orders and entries whose id is stored more than once."""
    return sum(store.run_text(f"MATCH (x:{label}) WITH x.id AS id, count(x) AS n WHERE n > 1 "
                              f"RETURN count(id) AS twice")[0]["twice"] for label in ("Member", "Order", "Entry"))


def trial(data: Path, kills: int, seed: int, log: Path | None = None) -> Tally:
    """Runs `kills` killed phases on `data` and a final clean one; returns what was checked."""
    rng = random.Random(seed)
    tally = Tally()
    lock = threading.Lock()
    period = MONTH
    week = time.strftime("%G-W%V", time.gmtime())
    for phase in range(kills):
        served = Served(data, log=log)
        try:
            served.wait_healthy()
            if phase == 0:
                served.ok(REGISTER, id="root")
                tally.members["root"] = ""
            stop = threading.Event()
            writers = [threading.Thread(target=write, args=(served, tally, lock, random.Random(rng.random()),
                                                            f"p{phase}w{worker}", stop))
                       for worker, write in enumerate([_writer] * 4 + [_batch_writer] * 2)]
            for writer in writers:
                writer.start()
            job = None
            if phase == kills - 2:
                job = f'mutation {{ closePeriod(period: "{period}") {{ done }} }}'
            elif phase == kills - 1:
                job = f'mutation {{ rotateLines(week: "{week}") {{ rotated }} }}'
            if job is not None:
                time.sleep(rng.uniform(0.5, 1.5))
                threading.Thread(target=lambda: _quietly(served, job), daemon=True).start()
                time.sleep(rng.uniform(0.05, 0.5))
            else:
                time.sleep(rng.uniform(0.5, 2.5))
        finally:
            served.kill()
            tally.kills += 1
        stop.set()
        for writer in writers:
            writer.join()
    served = Served(data, log=log)
    try:
        served.wait_healthy()
        closed = served.ok(f'mutation {{ closePeriod(period: "{period}") {{ done entries }} }}')["closePeriod"]
        assert closed["done"], closed
        again = served.ok(f'mutation {{ closePeriod(period: "{period}") {{ done entries }} }}')["closePeriod"]
        assert again == closed, (closed, again)
        tally.close_entries = closed["entries"]
        rotated = served.ok(f'mutation {{ rotateLines(week: "{week}") {{ finishedAt }} }}')["rotateLines"]
        assert rotated["finishedAt"] is not None
    finally:
        served.stop()
    store = open_store(data, url="")
    try:
        rn = Refnet.start(store, archive=data / "archive")
        present = member_ids(store)
        tally.lost_members = len(set(tally.members) - present)
        stored = {order.id: (order.buyer_id, to_cents(order.amount))  # in the graph or, closed, archived
                  for order in get_orders(rn, sorted(tally.orders)).values()}
        tally.lost_orders = sum(1 for order, content in tally.orders.items() if stored.get(order) != content)
        sponsors = {row["id"]: row["sponsor"] for row in store.run_text(
            "MATCH (m:Member)-[:SPONSORED_BY]->(s:Member) RETURN m.id AS id, s.id AS sponsor")}
        tally.lost_members += sum(1 for member, sponsor in tally.members.items() if sponsor and sponsors.get(member) != sponsor)
        tally.duplicates = duplicates(store)
        tally.checked_orders = check_conservation(store, data / "archive")  # the closed month is archived
    finally:
        store.close()
    return tally


def _quietly(served: Served, query: str) -> None:
    with contextlib.suppress(Exception):  # killed under it, on purpose
        served.post(query)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kills", nargs="?", type=int, default=12)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="refnet-crash-") as directory:
        started = time.perf_counter()
        tally = trial(Path(directory) / "data", args.kills, args.seed)
    print(f"seed {args.seed}: {tally.kills} kills in {time.perf_counter() - started:.0f} s; acknowledged "
          f"{len(tally.members):,} registrations and {len(tally.orders):,} orders; lost {tally.lost_members} "
          f"registrations and {tally.lost_orders} orders; {tally.duplicates} stored twice; "
          f"{tally.checked_orders:,} orders conserve; "
          f"the close booked {tally.close_entries} entries")
    print(f"load average: {Path('/proc/loadavg').read_text().split()[:3]}")


if __name__ == "__main__":
    main()
