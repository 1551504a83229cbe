"""The differential plan (rules §9): `rules` is the pure bonus computation, `close` records the
orders that wait for their month and books the month close."""
