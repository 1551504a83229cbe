"""The shipped plans, one package per plan: its rules, its database side and its plug-in
(`graph.plugin.PlanModule`). Every package here is imported when a plan file is read."""
