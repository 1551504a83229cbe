"""The family plan: families and their members, activity, weekly commission, health and the
activity chart."""
