"""The xAPI resources under /xapi/."""
