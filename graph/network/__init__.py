"""The member network: registration and the two trees (sponsor, placement), the pure placement
and upline walks, and the weekly line rotation."""
