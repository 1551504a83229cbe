"""Administration of a running business: bringing a network in from another system (bulk
import of members, historical orders and opening balances) and correcting it (renames, sponsor
and placement moves with their audit). It spans the network, the ledger and the plans' counters,
so it sits above them: nothing in the engine imports it; the API and the CLI do."""
