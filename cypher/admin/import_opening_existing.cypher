// Import: the opening-balance entries among $ids (`opening:<member>#0`) already booked (a
// re-run skips them; the explanation names all four values of the row). Returns id, amount
// (cents), explanation.
UNWIND $ids AS wanted
MATCH (e:Entry {id: wanted})
RETURN e.id AS id, e.amount AS amount, e.explanation AS explanation
