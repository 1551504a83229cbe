// Books batch $number of the member counters of the close file recorded on period run $run_id
// (graph/ledger/close_file.py: $members [{id, paid, frozen, burned}], cents to add, through
// ledger/members_paid) once: only while the run has booked $number batches, and counts it.
// Moves the graph version (the counters changed). Returns moved (members); no row when the
// batch was booked already.
MATCH (v:Meta {key: 'version'})
SET v.lock = true
WITH v
MATCH (r:PeriodRun {id: $run_id})
WHERE r.close_batches = $number
SET r.close_batches = $number + 1, v.value = v.value + 1
WITH v
// include: ledger/members_paid
RETURN moved
