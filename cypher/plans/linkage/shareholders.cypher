// Members holding dividend shares (rules §8), in thousandths of a share. Returns id, shares_milli.
MATCH (m:Member)
WHERE m.shares_milli > 0
RETURN m.id AS id, m.shares_milli AS shares_milli
