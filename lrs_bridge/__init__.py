"""lrs-bridge: the xAPI LRS, readiness reports and reminders, wired together."""

__version__ = "0.1.0"
