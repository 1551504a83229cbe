// Where the money went: ledger entries by rule and status, with their number and total.
// Money in integer cents. No parameters.
// Returns rule, status, entries, cents, ordered by rule and status.
MATCH (e:Entry)
RETURN e.rule AS rule, e.status AS status, count(e) AS entries, sum(e.amount) AS cents
ORDER BY rule, status
