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
#: Sentences and names inside a site's repeatable rows, by list: each row has its own text_translations,
#: so a translation stays with its row however the rows are reordered.
ROW_PROSE = {"secondary_uses": ("use",), "recipients_third_parties": ("purpose",)}
ROW_NAMES = {"recipients_third_parties": ("name",)}
#: Every translated part of each list's rows.
ROW_TRANSLATED = {name: ROW_NAMES.get(name, ()) + ROW_PROSE[name] for name in ROW_PROSE}
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
    return _text_in(record, name, tag, text_language(record), name in PROSE_FIELDS, translations_key)


def row_text(record: Mapping, list_name: str, row: Mapping, part: str, tag: str) -> Worded | None:
    """Return one part of a row of the record's list (a secondary use's `use`) in one language, as text_in
    does for a field: the row's main parts are written in the record's language."""
    return _text_in(row, part, tag, text_language(record), part in ROW_PROSE.get(list_name, ()))


def _text_in(values: Mapping, name: str, tag: str, own: str, prose: bool,
             translations_key: str = "text_translations") -> Worded | None:
    translated = ((values.get(translations_key) or {}).get(tag) or {}).get(name)
    if _given(translated):
        return Worded(translated, tag)
    main = values.get(name)
    if not _given(main):
        return None
    if own == tag:
        return Worded(main, tag)
    return None if prose else Worded(main, None)


def shown_text(record: Mapping, name: str, tag: str) -> Worded | None:
    """Return the text to show a reader of `tag`: theirs when it exists, else another language's,
    whose `lang` then differs from `tag` so the page can mark it and say so."""
    return _shown(lambda language: text_in(record, name, language), record, tag)


def shown_row_text(record: Mapping, list_name: str, row: Mapping, part: str, tag: str) -> Worded | None:
    """Return a row's part to show a reader of `tag`, falling back visibly as shown_text does."""
    return _shown(lambda language: row_text(record, list_name, row, part, language), record, tag)


def _shown(text_for, record: Mapping, tag: str) -> Worded | None:
    found = text_for(tag)
    if found is not None:
        return found
    for other in (text_language(record),) + TEXT_LANGUAGES:
        if other != tag:
            found = text_for(other)
            if found is not None:
                return found
    return None


def missing_languages(record: Mapping, name: str, tags) -> list[str]:
    """Name the languages of `tags` a prose field given in some language lacks; [] when it is not given at all."""
    if not any(text_in(record, name, tag) for tag in TEXT_LANGUAGES + tuple(tags)):
        return []
    return [tag for tag in tags if text_in(record, name, tag) is None]


def missing_row_languages(record: Mapping, tags) -> list[tuple[str, int, str, str]]:
    """Name each row's prose that is given in some language but lacks one of `tags`:
    (list, row index, part, language)."""
    missing = []
    for list_name, parts in ROW_PROSE.items():
        for index, row in enumerate(record.get(list_name) or ()):
            if not isinstance(row, Mapping):
                continue
            for part in parts:
                found = {tag: row_text(record, list_name, row, part, tag) for tag in TEXT_LANGUAGES + tuple(tags)}
                if any(found.values()):
                    missing += [(list_name, index, part, tag) for tag in tags if found[tag] is None]
    return missing


def compact_translations(translations: Mapping | None) -> dict | None:
    """Drop blank texts and languages left empty, so that {"en": null} or {"en": {"use": " "}} says what
    no translation says, and saving it changes nothing."""
    compact = {}
    for tag, texts in (translations or {}).items():
        kept = {name: text for name, text in (texts or {}).items() if _given(text)}
        if kept:
            compact[tag] = kept
    return compact or None


def placement_in(placement: str, translations: Mapping | None, tag: str) -> str:
    """Return a sign's placement in one language where it was given one, else as written (a name keeps its
    script)."""
    translated = ((translations or {}).get(tag) or {}).get("placement")
    return translated if _given(translated) else placement


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
    (a translation given for that language wins, as when printed), and the translations hold the others;
    the rows of its lists likewise."""
    own = text_language(record)
    rows = {name: [_folded_row(row, own) for row in record[name]] for name in ROW_TRANSLATED
            if isinstance(record.get(name), list) and translations_key == "text_translations"}
    return {**_folded_row(record, own, translations_key), **rows}


def _folded_row(values, own: str, translations_key: str = "text_translations"):
    if not isinstance(values, Mapping):
        return values
    translations = dict(values.get(translations_key) or {})
    mine = translations.pop(own, None) or {}
    return {**values, **{name: value for name, value in mine.items() if _given(value)},
            translations_key: translations or None}
