"""Who may call refnet: member tokens and what a member may read (issue 15)."""
