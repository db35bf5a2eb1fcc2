"""The names the dashboard's templates use: labels, form parts, texts' languages, and the helpers that
show findings, errors and times."""
from flask_babel import get_locale

from signage.consent_labels import purpose_name
from signage.form_ui import FIELDS, FILING_PARTS, ROW_CHOICE_KEYS, ROW_PARTS, SECTION_INTROS, SECTION_TITLES
from signage.labels import (AUDIT_ACTIONS, TRANSITION_LABELS, actor_label, checklist_label, choice_label,
                            field_label, finding_source, finding_text, grouped, local_time, part_label, reader_tag,
                            subject_label, time_zone, tr)
from signage.local_time import time_zones
from signage.messages import error_text
from signage.rules.engine import BANS
from signage.rules.findings import problem_count
from signage.rules.texts import (LANGUAGE_NAMES, NAME_FIELDS, ROW_NAMES, ROW_TRANSLATED, TEXT_LANGUAGES,
                                 TRANSLATED_FIELDS)
from signage.vocabulary import MAX_FORM_ROWS


def template_globals() -> dict:
    """Return the names the dashboard templates use, for app.jinja_env.globals."""
    return {"get_locale": get_locale, "form_ui": FIELDS, "section_titles": SECTION_TITLES,
            "section_intros": SECTION_INTROS, "choice_label": choice_label, "field_label": field_label,
            "finding_text": finding_text, "finding_source": finding_source, "error_text": error_text, "tr": tr,
            "row_parts": ROW_PARTS, "filing_parts": FILING_PARTS, "transition_labels": TRANSITION_LABELS,
            "audit_actions": AUDIT_ACTIONS, "row_choice_keys": ROW_CHOICE_KEYS, "max_form_rows": MAX_FORM_ROWS,
            "translated_fields": TRANSLATED_FIELDS, "name_fields": NAME_FIELDS,
            "row_translated": ROW_TRANSLATED, "row_names": ROW_NAMES, "text_languages": TEXT_LANGUAGES,
            "language_names": LANGUAGE_NAMES, "reader_tag": reader_tag, "refusal_groups": grouped,
            "checklist_label": checklist_label, "subject_label": subject_label, "actor_label": actor_label,
            "part_label": part_label, "local_time": local_time, "time_zone": time_zone, "time_zones": time_zones,
            "problem_count": lambda findings: problem_count(findings, BANS), "purpose_name": purpose_name}
