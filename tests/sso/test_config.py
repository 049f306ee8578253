"""The SSO file: checked whole at start-up, each mistake named by provider and key; rules
can never give more than a county admin or coordinator of a real place. And with
LRS_BRIDGE_PASSWORD_LOGIN=false the log-in page offers only the providers."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from lrs_bridge.config import SettingsError, load_settings
from lrs_bridge.http.app import create_app
from lrs_bridge.services import Services
from lrs_bridge.sso.config import SsoConfigError, parse_config

OIDC = {
    "name": "lst",
    "label": "Länsstyrelsen",
    "kind": "oidc",
    "issuer": "https://login.example/realms/lst",
    "client_id": "lrs",
}


def test_a_good_file_is_read() -> None:
    config = parse_config(
        {
            "contact": "support@val.example",
            "provider": [
                {
                    **OIDC,
                    "create_accounts": True,
                    "rule": [
                        {
                            "attribute": "o",
                            "value": "Gävle kommun",
                            "role": "coordinator",
                            "municipality": "2180",
                        },
                    ],
                }
            ],
        }
    )
    provider = config.provider("lst")
    assert provider is not None and provider.email == "email"
    rule = provider.rules[0]
    assert (rule.role.value, rule.county, rule.municipality) == ("coordinator", "21", "2180")
    assert rule.matches({"o": [" GÄVLE KOMMUN "]}) and not rule.matches({"o": ["Gävle"]})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "cas"}, "provider 'lst': kind must be oidc or saml"),
        ({"issuer": "http://login.example"}, "provider 'lst': issuer must be an https:// URL"),
        ({"client_id": None}, "provider 'lst': client_id is missing"),
        ({"name": "Län"}, "provider 1: name must be lower-case letters, digits and -"),
        ({"create_accounts": "yes"}, "provider 'lst': create_accounts must be true or false"),
        (
            {"rule": [{"attribute": "o", "value": "x", "role": "national-admin"}]},
            "provider 'lst' rule 1: role must be county-admin or coordinator",
        ),
        (
            {"rule": [{"attribute": "o", "value": "x", "role": "county-admin", "county": "99"}]},
            "provider 'lst' rule 1: unknown county code '99'",
        ),
        (
            {"rule": [{"attribute": "o", "value": "x", "role": "county-admin"}]},
            "provider 'lst' rule 1: a county admin needs --county",
        ),
    ],
)
def test_a_mistake_is_named(change: dict[str, object], message: str) -> None:
    provider = {k: v for k, v in {**OIDC, **change}.items() if v is not None}
    with pytest.raises(SsoConfigError) as raised:
        parse_config({"provider": [provider]})
    assert str(raised.value).startswith(message)


def test_two_providers_may_not_share_a_name() -> None:
    with pytest.raises(SsoConfigError, match="same name"):
        parse_config({"provider": [OIDC, OIDC]})


def test_a_bad_file_stops_the_start_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "sso.toml"
    bad.write_text('[[provider]]\nname = "x"\nkind = "oidc"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match=r"^LRS_BRIDGE_SSO_CONFIG: provider 'x': label"):
        load_settings(sso_config=str(bad))
    with pytest.raises(SettingsError, match="LRS_BRIDGE_SSO_CONFIG: cannot read"):
        load_settings(sso_config=str(tmp_path / "missing.toml"))


async def test_password_log_in_can_be_switched_off(database_url: str, tmp_path: Path) -> None:
    config = tmp_path / "sso.toml"
    config.write_text(
        "[[provider]]\n" + "".join(f'{k} = "{v}"\n' for k, v in OIDC.items()),
        encoding="utf-8",
    )
    settings = load_settings(
        database_url=database_url, sso_config=str(config), password_login=False
    )
    services = Services.build(settings)
    await services.open()
    try:
        await services.people.create_user("a@val.example", "national-admin", password="x" * 12)
        app = create_app(settings, services)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            page = await http.get("/login")
            assert "Logga in med Länsstyrelsen" in page.text
            assert 'name="password"' not in page.text
            csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
            answer = await http.post(
                "/login", data={"csrf": csrf, "email": "a@val.example", "password": "x" * 12}
            )
            assert answer.status_code == 403
            assert "Inloggning med lösenord är avstängd" in answer.text
            assert (await http.get("/nation")).status_code == 303  # not logged in
    finally:
        await services.close()
