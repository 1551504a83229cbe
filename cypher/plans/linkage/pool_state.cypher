// The pool named $name: balance (cents) and the amounts carried over by identity
// (carry_names / carry_amounts, parallel lists; empty when none). Zeroes when missing.
OPTIONAL MATCH (p:Pool {name: $name})
RETURN coalesce(p.balance, 0) AS balance, coalesce(p.carry_names, []) AS carry_names,
       coalesce(p.carry_amounts, []) AS carry_amounts
