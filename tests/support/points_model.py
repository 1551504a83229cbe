"""An independent plain-Python model of the points market (rules §5), for property tests."""

from __future__ import annotations

from fractions import Fraction


class Model:
    """Rules §5 written again from the text, with Fractions: F money, N points, per-purchase points."""

    def __init__(self, ratio: Fraction, payout: Fraction, multiple: Fraction) -> None:
        self.F = Fraction(0)
        self.N = Fraction(0)
        self.last = Fraction(1)
        self.ratio, self.payout, self.multiple = ratio, payout, multiple
        self.lots: list[list] = []  # [member, amount, points, sold value, active]
        self.contributions = Fraction(0)
        self.payouts = Fraction(0)

    def price(self) -> Fraction:
        return self.F / self.N if self.N else self.last

    def _sell(self, parts: list, q: Fraction) -> None:
        """q points of one member at one price, taken from `parts` [(lot, points)]."""
        p = self.price()
        v = q * p
        paid = Fraction(int(self.payout * v * 100), 100)  # down to the cent
        self.F -= paid
        self.N -= q
        self.payouts += paid
        for lot, take in parts:
            lot[2] -= take
            lot[3] += Fraction(int(take * p * 100), 100)
        self.last = self.F / self.N if self.N else p

    def _exits(self) -> None:
        while True:
            p = self.price()
            due = [lot for lot in self.lots if lot[4] and lot[2] > 0
                   and lot[2] * p + lot[3] >= self.multiple * lot[1]]
            if not due:
                return
            lot = min(due, key=lambda lt: ((self.multiple * lt[1] - lt[3]) / lt[2], self.lots.index(lt)))
            self._sell([(lot, lot[2])], lot[2])
            lot[4] = False

    def order(self, member: str, amount: Fraction) -> None:
        c = amount * Fraction(3, 10)
        q = Fraction(int(self.ratio * c / self.price() * 10000), 10000)  # down to 4 places
        self.F += c
        self.N += q
        self.contributions += c
        self.last = self.F / self.N
        self.lots.append([member, amount, q, Fraction(0), True])
        self._exits()

    def sell(self, member: str, q: Fraction) -> None:
        parts, left = [], q
        for lot in self.lots:  # earliest purchase first
            if left and lot[0] == member and lot[4] and lot[2] > 0:
                take = min(left, lot[2])
                parts.append((lot, take))
                left -= take
        self._sell(parts, q)
        for lot, _ in parts:
            if lot[2] == 0:
                lot[4] = False
        self._exits()

    def held(self, member: str) -> Fraction:
        return sum((lot[2] for lot in self.lots if lot[0] == member), Fraction(0))
