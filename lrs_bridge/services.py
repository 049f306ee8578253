"""The running service's parts, opened and closed together (by the app and by the CLI)."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from lrs_bridge.auth.credentials import CredentialService
from lrs_bridge.auth.limits import AuthLimits
from lrs_bridge.bridge.service import BridgeService
from lrs_bridge.cmi5.service import Cmi5Service, IssueCredential, Issued
from lrs_bridge.config import Settings
from lrs_bridge.launch import LaunchService, LinkGone
from lrs_bridge.people.audit import AuditLog
from lrs_bridge.people.service import PeopleService
from lrs_bridge.people.storage import people_storage
from lrs_bridge.privacy.retention import Retention
from lrs_bridge.privacy.service import PersonalData
from lrs_bridge.schema import MIGRATIONS
from lrs_bridge.sso.config import load_config
from lrs_bridge.sso.service import SsoService
from lrs_bridge.sso.storage import SsoStorage
from reports.mailer import SmtpMailer, SmtpSettings
from reports.reminders import ReminderScheduler
from reports.reminding import WorkshopReminders, build_reminders
from reports.service import ReportsService
from statements.log import StatementLog
from statements.signature import check_signature
from statements.storage import Store, open_store
from statements.validation_pool import ValidationPool, helper_count

SEND_GRACE = 5.0
"""Seconds a reminder or invitation send under way gets to finish when the service stops."""


@dataclass
class Services:
    settings: Settings
    store: Store
    statements: StatementLog
    credentials: CredentialService
    reports: ReportsService
    people: PeopleService
    audit: AuditLog
    bridge: BridgeService
    reminders: WorkshopReminders
    reminder_scheduler: ReminderScheduler | None
    limits: AuthLimits
    cmi5: Cmi5Service
    launch: LaunchService
    sso: SsoService
    privacy: PersonalData
    retention: Retention

    @classmethod
    def build(cls, settings: Settings) -> Services:
        store = open_store(
            settings.database_url,
            max_pending_writes=settings.max_pending_writes,
            max_write_wait=settings.max_write_wait,
            migrations=MIGRATIONS,
        )
        reports = ReportsService(store)
        statements = StatementLog(
            store,
            max_limit=settings.max_statements_per_page,
            check_signature=check_signature,
            cursor_key=cursor_key(settings),
        )
        statements.on_stored.append(reports.nudge)  # the projector wakes for new statements
        people = people_storage(store)
        audit = AuditLog(people)
        # Before open(): registers the bridge's outbox hook.
        bridge = BridgeService(store, statements, audit, settings)
        reports.source_names = bridge.source_names  # a course may trust a bridge source
        statements.on_stored.append(bridge.nudge)  # forwarders wake for new statements
        # ... and for statements other instances on the same database store.
        store.watch_appends(reports.nudge)
        store.watch_appends(bridge.nudge)
        reminders, scheduler = build_reminders(
            store,
            reports,
            smtp_settings(settings),
            window_hours=settings.reminder_window_hours,
            offset_days=settings.reminder_offsets_days,
            sender=settings.mail_from_name,
            privacy_url=settings.base_url.rstrip("/") + "/personuppgifter",
        )
        # One set of throttles and one cap on Argon2 for every kind of authentication.
        limits = AuthLimits(settings.auth_concurrency)
        credentials = CredentialService(store, settings.base_url, limits, audit)
        launch = LaunchService(reports, credentials, settings)
        cmi5 = Cmi5Service(
            store, statements, reports, settings.base_url, session_credential(credentials, launch)
        )
        statements.on_stored.append(cmi5.on_stored)  # moveOn on the AUs' statements
        reports.personal_links = launch.with_links  # reminders carry the personal links
        people_service = PeopleService(
            people,
            audit,
            limits,
            mailer=SmtpMailer(smtp_settings(settings)),
            base_url=settings.base_url,
        )
        sso = SsoService(
            load_config(settings.sso_config), SsoStorage(store), people_service, settings.base_url
        )
        return cls(
            settings=settings,
            store=store,
            statements=statements,
            credentials=credentials,
            reports=reports,
            people=people_service,
            audit=audit,
            bridge=bridge,
            reminders=reminders,
            reminder_scheduler=scheduler,
            limits=limits,
            cmi5=cmi5,
            launch=launch,
            sso=sso,
            privacy=PersonalData(store, settings),
            retention=Retention(store, settings),
        )

    async def open(self, *, background: bool = False) -> None:
        """Open the store and start the projector; with ``background`` (the HTTP service,
        not a CLI command) also the bridge's scheduled pulls and forwarders and the
        automatic reminders."""
        await self.store.open()
        await self.reports.start()
        if background:
            processes = helper_count(self.settings.validation_processes)
            if processes:
                self.statements.validator = ValidationPool(processes)
                await self.statements.validator.start()
            await self.bridge.start()
            if self.reminder_scheduler is not None:
                self.reminder_scheduler.start()
            self.cmi5.start()
            self.retention.start()

    async def close(self) -> None:
        await self.retention.stop()
        # Sends under way get a moment; those cut short log what they did not try.
        await self.reminders.background.stop(grace=SEND_GRACE)
        await self.cmi5.stop()
        if self.reminder_scheduler is not None:
            await self.reminder_scheduler.stop()
        await self.bridge.stop()
        await self.reports.stop()
        if self.statements.validator is not None:
            await self.statements.validator.stop()
            self.statements.validator = None
        await self.store.close()
        self.limits.close()


def session_credential(credentials: CredentialService, launch: LaunchService) -> IssueCredential:
    """The credential a cmi5 fetch URL hands out for one AU session: launched from a
    personal link, that link's per-learner credential bound to the session's registration
    and its actor (the participant's launch account, decision 0007), None once the link is
    revoked or expired; otherwise (a launch by the API or a test) a credential that writes
    statements and state for the session."""

    async def issue(
        actor: dict[str, Any], registration: str, session_id: str, link_token: str | None
    ) -> Issued | None:
        if link_token is not None:
            try:
                found = await launch.resolve(link_token)
            except LinkGone:
                return None
            if found is None:
                return None
            issued = await launch.issue_credential(found, registration=registration, actor=actor)
            return Issued(issued.key, issued.secret, f"launch:{found.target.link.id}")
        made = await credentials.create(
            f"cmi5 session {session_id}",
            ["statements/write", "statements/read/mine", "state"],
            audited=False,  # one per session, made by the service: no one's change to audit
        )
        return Issued(made.credential.key, made.secret, made.credential.key)

    return issue


def smtp_settings(settings: Settings) -> SmtpSettings:
    return SmtpSettings(
        host=settings.smtp_host,
        port=settings.smtp_port,
        security=settings.smtp_security,
        user=settings.smtp_user or None,
        password=settings.smtp_password.get_secret_value() or None,
        sender_address=settings.mail_from,
        sender_name=settings.mail_from_name,
    )


def cursor_key(settings: Settings) -> bytes | None:
    """The key that signs statement ``more`` links, derived from LRS_BRIDGE_SESSION_SECRET
    so that every instance sharing it accepts the others' links (and links survive a
    restart); None, a random key for this process, when it is not set."""
    if not settings.session_secret:
        return None
    label = b"lrs-bridge statements more links"
    return hmac.new(settings.session_secret.encode(), label, hashlib.sha256).digest()
