"""The bridge: pulling statements from other LRSs and forwarding accepted ones to them."""
