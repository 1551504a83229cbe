"""The compensation plans, one folder each: a plan's pure rules beside the module that reads and
books for them (`linkage` 链动3+1, `differential`, `family`), and its plug-in (`plugin.py`: the
hooks of `graph.core.plugin.PlanModule`). Every package here is imported when a plan file is
read; nothing outside a plan's folder names it."""
