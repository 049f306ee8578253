"""cmi5 (issue 14): course structures imported as courses, and the LMS side of launches."""
