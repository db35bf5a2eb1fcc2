"""Operator-written text in each language: which fields are prose and which are names, and how one
language's text is found in a record.

Prose (a sentence the operator writes) must exist in every language it is printed in: a sign or
notice never puts an English sentence inside a Chinese one. A name (the site's, the operator's, an
address) may be given per language and is otherwise printed as written, in its own script.

A record's main fields are written in its `text_language`; `text_translations[tag]` holds the same
fields in another language and wins where given. Pure: plain dicts in, plain values out.
"""
from collections.abc import Mapping

#: The languages operator text is entered, printed and published in, by BCP 47 tag.
TEXT_LANGUAGES = ("zh-Hans", "en")
#: Each language's name in its own script, as a bilingual form or a language switch shows it.
LANGUAGE_NAMES = {"zh-Hans": "简体中文", "en": "English"}
#: What the main fields are taken to be written in when a record does not say (records made before
#: the language was recorded, API clients that leave it out).
DEFAULT_TEXT_LANGUAGE = "en"

#: Sentences the operator writes about a site, printed on its signs or notice.
PROSE_FIELDS = ("capture_area_description", "purpose_text", "necessity_justification", "non_fr_alternative",
                "retention_criteria_text", "legitimate_interest_text", "automated_decisions_text")
#: Names of a site, printed as written unless given in the reader's language.
NAME_FIELDS = ("site_name", "address")
#: Every operator-written site field that has a version per language.
TRANSLATED_FIELDS = NAME_FIELDS + PROSE_FIELDS
#: The organisation's names: its legal name, its address and its data protection officer's name.
ORGANISATION_NAME_FIELDS = ("legal_name", "address", "dpo_name")


class Worded(str):
    """A text with the language it is written in; `lang` is None when that is not known (a name as written)."""

    lang: str | None

    def __new__(cls, text: str, lang: str | None):
        worded = super().__new__(cls, text)
        worded.lang = lang
        return worded


def _given(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def text_language(record: Mapping) -> str:
    """Return the language the record's main fields are written in."""
    return record.get("text_language") or DEFAULT_TEXT_LANGUAGE


def text_in(record: Mapping, name: str, tag: str, *, translations_key: str = "text_translations") -> Worded | None:
    """Return the record's text for a field in one language, or None when the record has none in it.

    A name falls back to the main field as written; prose never does unless the main field is in `tag`.
    """
    translated = ((record.get(translations_key) or {}).get(tag) or {}).get(name)
    if _given(translated):
        return Worded(translated, tag)
    main = record.get(name)
    if not _given(main):
        return None
    if text_language(record) == tag:
        return Worded(main, tag)
    return Worded(main, None) if name not in PROSE_FIELDS else None


def shown_text(record: Mapping, name: str, tag: str) -> Worded | None:
    """Return the text to show a reader of `tag`: theirs when it exists, else another language's,
    whose `lang` then differs from `tag` so the page can mark it and say so."""
    found = text_in(record, name, tag)
    if found is not None:
        return found
    for other in (text_language(record),) + TEXT_LANGUAGES:
        if other != tag:
            found = text_in(record, name, other)
            if found is not None:
                return found
    return None


def missing_languages(record: Mapping, name: str, tags) -> list[str]:
    """Name the languages of `tags` a prose field given in some language lacks; [] when it is not given at all."""
    if not any(text_in(record, name, tag) for tag in TEXT_LANGUAGES + tuple(tags)):
        return []
    return [tag for tag in tags if text_in(record, name, tag) is None]


def organisation_name(operator: Mapping, name: str, tag: str) -> str | None:
    """Return one of the organisation's names in a language, else as written (names keep their script)."""
    if name == "dpo_name" and not operator.get("dpo"):  # no officer any more: no officer's name either
        return None
    translated = ((operator.get("name_translations") or {}).get(tag) or {}).get(name)
    if _given(translated):
        return translated
    if name == "dpo_name":
        return (operator.get("dpo") or {}).get("name")
    return operator.get(name)


def folded(record: Mapping, *, translations_key: str = "text_translations") -> dict:
    """Return the record as a form edits it: each main field holds its text in the record's own language
    (a translation given for that language wins, as when printed), and the translations hold the others."""
    own = text_language(record)
    translations = dict(record.get(translations_key) or {})
    mine = translations.pop(own, None) or {}
    return {**record, **{name: value for name, value in mine.items() if _given(value)},
            translations_key: translations or None}
