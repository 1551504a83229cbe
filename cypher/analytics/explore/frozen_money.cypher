// Members with frozen money (the 20 % mutual fund of withdrawals, rules §6), most first, ties by
// id. Money in integer cents. No parameters.
// Returns id, status, frozen_cents, paid_cents, frozen_entries (FROZEN ledger entries to them).
MATCH (m:Member)
WHERE m.frozen > 0
OPTIONAL MATCH (e:Entry {status: 'FROZEN'})-[t:TO]->(m)
RETURN m.id AS id, m.status AS status, m.frozen AS frozen_cents, coalesce(m.paid, 0) AS paid_cents,
       count(t) AS frozen_entries
ORDER BY frozen_cents DESC, id
