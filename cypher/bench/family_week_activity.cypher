// Bench only (bench/family_archive.py): every activity event with $start <= at < $end, read once
// (the floor the move's time is measured against): member_id, family_id, type, at, diamonds, amount.
MATCH (a:Activity)
WHERE a.at >= $start AND a.at < $end
RETURN a.member_id AS member_id, a.family_id AS family_id, a.type AS type, a.at AS at, a.diamonds AS diamonds,
       a.amount AS amount
