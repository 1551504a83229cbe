// The import's check whether the graph has orders or entries at all (when it has none, no
// row of the files can be a repeat). Returns orders, entries.
OPTIONAL MATCH (o:Order)
WITH count(o) AS orders
OPTIONAL MATCH (e:Entry)
RETURN orders, count(e) AS entries
