"""The rule reference, docs/rules.md, written from the registry itself so it cannot drift from the code.

Pure: the caller passes how to translate a message and name a field in a language, so this module loads
no framework. `flask --app wsgi rules reference` writes the file; a test fails when it is out of date.
"""
from collections.abc import Callable
from dataclasses import fields as dataclass_fields

from signage.rules.engine import RULES
from signage.rules.packs import OPEN_POINTS, PACK_SOURCES, PackSettings
from signage.rules.required import REQUIREMENTS

#: The languages of the reference, as the catalogs name them, with their headings.
LANGUAGES = (("en", "English"), ("zh_Hans", "简体中文"))
SEVERITY_ORDER = {"error": 0, "warn": 1, "info": 2}

Translate = Callable[[str, str], str]


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def rules_reference(translate: Translate, field_label: Translate) -> str:
    """Return docs/rules.md: every rule with its severity, message in each language, source and fields; the
    required fields with their sources; the pack settings with their defaults and what is left open."""
    lines = [
        "# Rules reference",
        "",
        "Written by `flask --app wsgi rules reference` from the rule registry (`signage/rules`); a test fails",
        "when this file and the code disagree, so edit the code and run the command again.",
        "",
        "Severities: **error** refuses activation (and any change that keeps the error on a live site),",
        "**warn** is shown until acknowledged, and is logged when it is. A source marked *(secondary)* cites a",
        "commentary or draft rather than the final text; *(unconfirmed)* is still to be checked against it.",
        "An error marked **ban** says the law forbids the deployment here: no field can fix it, so a refusal",
        "shows it first and apart, without a link to a field. A rule that another rule implies stays quiet",
        "where that one speaks (ANY-PRIVATE-SPACE under CN, EUUK-DPIA when ACT-PIA refuses).",
        "",
        "## Rules",
        "",
        "| Rule | Severity | Message | Source | Fields |",
        "|---|---|---|---|---|",
    ]
    for rule in sorted(RULES.values(), key=lambda rule: (SEVERITY_ORDER.get(rule.severity, 9), rule.rule_id)):
        messages = "<br>".join(_cell(translate(rule.message, code)) for code, _name in LANGUAGES)
        fields = ", ".join(f"`{name}`" for name in rule.fields)
        severity = f"{rule.severity}, **ban**" if rule.ban else rule.severity
        lines.append(f"| `{rule.rule_id}` | {severity} | {messages} | {_cell(rule.source)} | {fields} |")
    lines += [
        "",
        "## Required fields",
        "",
        "`REQUIRED-FIELD` names each field a site needs before it goes live, when its jurisdictions and",
        "choices call for it (a field whose absence a specific rule reports is left to that rule).",
        "",
        "| Field | Label | Source |",
        "|---|---|---|",
    ]
    for name, _required_when, source in REQUIREMENTS:
        labels = " / ".join(_cell(field_label(name, code)) for code, _name in LANGUAGES)
        lines.append(f"| `{name}` | {labels} | {_cell(source)} |")
    lines += [
        "",
        "## Pack settings",
        "",
        "What the texts leave open is a setting, never a constant: set any of them as JSON in",
        "`SIGNAGE_PACK_SETTINGS` (for example `{\"filing_warning\": 90000}`).",
        "",
        "| Setting | Default | Source | Left open |",
        "|---|---|---|---|",
    ]
    defaults = PackSettings()
    for setting in dataclass_fields(PackSettings):
        value = getattr(defaults, setting.name)
        # as SIGNAGE_PACK_SETTINGS takes it: JSON's true and false, lists as their items
        shown = ", ".join(value) if isinstance(value, tuple) else str(value).lower() if isinstance(value, bool) else value
        lines.append(f"| `{setting.name}` | {_cell(shown)} | {_cell(PACK_SOURCES[setting.name])} | "
                     f"{_cell(OPEN_POINTS[setting.name])} |")
    return "\n".join(lines) + "\n"
