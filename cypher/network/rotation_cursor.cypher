// Where the run of week $week goes on: the seq its next batch starts from, whether it is
// finished, and the graph version (no member's seq is above it). No row for an unknown week.
MATCH (v:Meta {key: 'version'})
MATCH (run:Rotation {week: $week})
RETURN run.next_seq AS next_seq, run.finished_at AS finished_at, v.value AS version
