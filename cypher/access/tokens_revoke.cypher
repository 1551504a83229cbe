// Deletes every token of $member_id (expired ones too). Returns how many there were.
OPTIONAL MATCH (t:MemberToken {member_id: $member_id})
WITH collect(t) AS tokens
FOREACH (t IN tokens | DELETE t)
RETURN size(tokens) AS revoked
