"""Configuration that cannot work stops the app when it is created, not on a request (issue 7, item 4)."""
import logging

import pytest

from signage.app import create_app
from signage.config import ConfigurationError


def test_production_refuses_a_loopback_public_address(app_config):
    for base in ("http://127.0.0.1:5000", "http://localhost:8000", "http://[::1]/"):
        with pytest.raises(ConfigurationError, match="no phone can open|open only on this machine"):
            create_app({**app_config, "ENV": "production", "PUBLIC_BASE_URL": base})


def test_elsewhere_a_loopback_address_starts_with_a_warning(app_config, caplog):
    with caplog.at_level(logging.WARNING, logger="signage.config"):
        app = create_app({**app_config, "PUBLIC_BASE_URL": "http://127.0.0.1:5000"})
    assert app is not None and "open only on this machine" in caplog.text


def test_production_accepts_a_public_address(app_config):
    assert create_app({**app_config, "ENV": "production", "PUBLIC_BASE_URL": "https://signs.example.com"})


@pytest.mark.parametrize("settings, message", [({"filing_thresold": 1}, "Unknown pack setting"),
                                               ({"filing_threshold": "many"}, "must be int"),
                                               ({"cn_sensitive_traits_severity": "fatal"}, "must be one of")])
def test_bad_pack_settings_stop_the_app_naming_the_setting(app_config, settings, message):
    with pytest.raises(ConfigurationError, match=message):
        create_app({**app_config, "PACK_SETTINGS": settings})


def test_pack_settings_from_the_environment_must_be_json(app_config, monkeypatch):
    monkeypatch.setenv("SIGNAGE_PACK_SETTINGS", "{not json")
    with pytest.raises(ConfigurationError, match="not JSON"):
        create_app({k: v for k, v in app_config.items() if k != "PACK_SETTINGS"})


def test_a_url_that_is_no_url_is_refused(app_config):
    with pytest.raises(ConfigurationError, match="http"):
        create_app({**app_config, "PUBLIC_BASE_URL": "signs.example.com"})


def test_a_public_address_too_long_to_print_on_one_line_starts_with_a_warning(app_config, caplog):
    from signage.config import PRINTED_BASE_MAX
    fits = "https://" + "s" * (PRINTED_BASE_MAX - len(".example")) + ".example"
    with caplog.at_level(logging.WARNING, logger="signage.config"):
        create_app({**app_config, "PUBLIC_BASE_URL": fits})
    assert "on one line" not in caplog.text
    with caplog.at_level(logging.WARNING, logger="signage.config"):
        assert create_app({**app_config, "PUBLIC_BASE_URL": fits + "/notices"})
    assert f"on one line only up to {PRINTED_BASE_MAX}" in caplog.text


def test_the_days_a_closed_requests_contact_is_kept_come_from_the_environment(app_config, monkeypatch):
    monkeypatch.setenv("SIGNAGE_REQUEST_CONTACT_KEPT_DAYS", "30")
    assert create_app(app_config).config["REQUEST_CONTACT_KEPT_DAYS"] == 30
    for wrong in ("0", "ninety", "-5"):
        monkeypatch.setenv("SIGNAGE_REQUEST_CONTACT_KEPT_DAYS", wrong)
        with pytest.raises(ConfigurationError, match="SIGNAGE_REQUEST_CONTACT_KEPT_DAYS"):
            create_app(app_config)
