// The points market (rules §5), kept on the points pool node. Returns one row: version,
// balance (cents: contributions − payouts), market (cents the price counts: contributions of
// orders already issued − payouts), units (circulating points in ten-thousandths), last_num /
// last_den (the last price as a fraction; null before any points) and seq (holdings issued).
MATCH (v:Meta {key: 'version'})
OPTIONAL MATCH (p:Pool {name: 'points'})
RETURN v.value AS version, coalesce(p.balance, 0) AS balance, coalesce(p.market, 0) AS market,
       coalesce(p.units, 0) AS units, p.last_num AS last_num, p.last_den AS last_den,
       coalesce(p.holdings, 0) AS seq
