"""The readiness API under ``/api/v1``: workshops, participants, courses, reports, audit.

Handlers are thin: they read the request, call ``reports.service.ReportsService`` with the
scope ``lrs_bridge.auth.access`` allows, record the audit entry and answer JSON.
"""
