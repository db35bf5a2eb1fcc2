"""The rule reference ships with the project and says what the code does: docs/rules.md is written from the
registry, and nothing a user reads points at a file they do not have."""
from pathlib import Path

from signage.cli import RULES_REFERENCE, rules_reference_text
from signage.rules.engine import RULES
from signage.rules.packs import PACK_SOURCES
from signage.rules.required import REQUIREMENTS

ROOT = Path(__file__).resolve().parents[2]


def test_docs_rules_md_is_what_the_registry_writes_now(app, runner):
    result = runner.invoke(args=["rules", "reference", "--check"])
    assert result.exit_code == 0, "docs/rules.md is out of date: run `flask --app wsgi rules reference`"
    written = RULES_REFERENCE.read_text(encoding="utf-8")
    for rule in RULES.values():
        assert f"| `{rule.rule_id}` | {rule.severity}{', **ban**' if rule.ban else ''} |" in written
    assert "启用场所前，请填写" in written  # the Chinese message beside the English one


def test_the_check_notices_a_reference_that_drifted(app, runner, tmp_path, monkeypatch):
    import signage.cli
    stale = tmp_path / "rules.md"
    stale.write_text(rules_reference_text().replace("ANY-PRIVATE-SPACE", "ANY-PRIVATE"), encoding="utf-8")
    monkeypatch.setattr(signage.cli, "RULES_REFERENCE", stale)
    result = runner.invoke(args=["rules", "reference", "--check"])
    assert result.exit_code == 1 and "out of date" in result.output


def test_nothing_a_user_reads_cites_a_file_outside_the_project():
    sources = [rule.source for rule in RULES.values()] + [source for _f, _w, source in REQUIREMENTS] + list(
        PACK_SOURCES.values())
    assert not [source for source in sources if "regulation.md" in source]
    shown = [ROOT / "README.md", ROOT / "docs" / "rules.md", *(ROOT / "templates").rglob("*.html"),
             *(ROOT / "translations").rglob("*.po")]
    assert [path for path in shown if "regulation.md" in path.read_text(encoding="utf-8")] == []
