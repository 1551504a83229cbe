"""The compensation plans, one folder each: a plan's pure rules beside the module that reads and
books for them (`linkage` 链动3+1, `differential`, `family`)."""
