"""The ledger and the bookings around it: entries and balances, recording orders, refunds,
the one period close and its preview, and the payout report."""
