"""People who read the readiness reports (national admins, county admins, coordinators),
their personal API tokens, and the audit log of what they did."""
