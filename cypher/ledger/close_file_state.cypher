// The close file recorded on period run $id (graph/ledger/close_file.py), if any: sha256, batch
// (members per counter batch), batches (counter batches booked); no row when the run has none.
MATCH (r:PeriodRun {id: $id})
WHERE r.close_sha256 IS NOT NULL
RETURN r.close_sha256 AS sha256, r.close_batch AS batch, r.close_batches AS batches
