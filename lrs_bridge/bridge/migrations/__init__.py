"""SQL migrations of the bridge (numbers 0300-0399)."""
