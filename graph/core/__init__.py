"""What every feature stands on: exact money, the coded domain errors, plan files and their
recorded versions. Imports nothing else of `graph/` but the store interface (plan versions)."""
