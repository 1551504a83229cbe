// The close files recorded for $period (graph/ledger/close_file.py: a month close that wrote its
// entries to the archive records one on its run), for the move that folds them into the period's
// entries.parquet. Returns run (its id), sha256, rows.
MATCH (r:PeriodRun {period: $period})
WHERE r.close_sha256 IS NOT NULL
RETURN r.id AS run, r.close_sha256 AS sha256, r.close_rows AS rows
ORDER BY run
