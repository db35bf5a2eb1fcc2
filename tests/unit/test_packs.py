"""Pack settings load from configuration, refuse what they do not know and keep §9 defaults."""
from dataclasses import fields
from datetime import date

import pytest

from signage.rules.packs import DIGITAL_OMNIBUS_OVERRIDES, PACK_SOURCES, PackSettings


def test_defaults_follow_regulation_section_9():
    settings = PackSettings()

    assert (settings.filing_threshold, settings.filing_warning, settings.filing_working_days) == (100_000, 80_000, 30)
    assert (settings.eu_retention_warn_days, settings.ai_logs_min_days) == (3, 180)
    assert (settings.il_retention_cap_days, settings.tx_retention_cap_days) == (1095, 365)
    assert settings.cn_sensitive_traits_severity == "warn"
    assert settings.ai_act_annex_iii_from == date(2026, 8, 2)


def test_overrides_convert_iso_dates_and_lists():
    settings = PackSettings.from_mapping({"ai_act_annex_iii_from": "2027-12-02", "filing_working_days": 20,
                                          "portland_exceptions": ["legal_compliance"]})

    assert settings.ai_act_annex_iii_from == date(2027, 12, 2)
    assert settings.filing_working_days == 20
    assert settings.portland_exceptions == ("legal_compliance",)


def test_digital_omnibus_pack_version_moves_the_annex_iii_date():
    assert PackSettings.from_mapping(DIGITAL_OMNIBUS_OVERRIDES).ai_act_annex_iii_from == date(2027, 12, 2)


def test_unknown_setting_is_refused_by_name():
    with pytest.raises(ValueError, match="filing_treshold"):
        PackSettings.from_mapping({"filing_treshold": 90_000})


@pytest.mark.parametrize("overrides, message", [
    ({"ai_act_annex_iii_from": "2 Aug 2026"}, "ai_act_annex_iii_from"),
    ({"filing_threshold": "100000"}, "filing_threshold"),
    ({"filing_threshold": True}, "filing_threshold"),
    ({"ai_logs_min_days": 0}, "ai_logs_min_days"),
    ({"cn_sensitive_traits_severity": "fatal"}, "cn_sensitive_traits_severity"),
    ({"filing_warning": 120_000}, "filing_warning"),
])
def test_invalid_values_are_refused_naming_the_setting(overrides, message):
    with pytest.raises(ValueError, match=message):
        PackSettings.from_mapping(overrides)


def test_every_setting_cites_its_source():
    assert set(PACK_SOURCES) == {field.name for field in fields(PackSettings)}
