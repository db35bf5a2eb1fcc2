"""What the public request pages show: the form's choices and the status of one request, in the reader's
language. The names of the site come from its current notice, as the notice page words them."""
from signage.labels import choice_label
from signage.local_time import local_text
from signage.notices.summary import contact_sentence
from signage.requests import rules
from signage.rules.texts import placement_in, shown_text


def _site_words(site, content: dict | None, tag: str) -> dict:
    """The site's name and whom to ask, as its current notice (`content`) words them."""
    operator = (content or {}).get("operator") or {}
    return {"site": shown_text(content, "site_name", tag) if content else site.site_name,
            "contact": contact_sentence(operator) if operator else ""}


def _sign_words(sign, tag: str) -> dict | None:
    if sign is None:
        return None
    return {"serial": sign.serial, "placement": placement_in(sign.placement, sign.text_translations, tag)}


def form_model(site, content: dict | None, sign, category: str, tag: str) -> dict:
    """Return what a request or report form shows: the site, the sign it was opened from, the choices."""
    return {
        **_site_words(site, content, tag), "category": category, "sign": _sign_words(sign, tag),
        "kinds": [{"value": kind, "label": choice_label("request_kind", kind)} for kind in rules.KINDS[category]],
        "channels": [{"value": channel, "label": choice_label("reply_channel", channel)}
                     for channel in rules.REPLY_CHANNELS],
        "description_max": rules.DESCRIPTION_MAX,
    }


def status_model(filed, site, content: dict | None, sign, steps, tag: str) -> dict:
    """Return a request's status page: what it is about, where it stands, when the answer is due, each step
    with what the operator wrote to the person."""
    time_zone = site.organisation.time_zone
    due = filed.effective_due_on
    return {
        **_site_words(site, content, tag), "category": choice_label("request_category", filed.category),
        "kind": choice_label("request_kind", filed.kind), "state": filed.state,
        "state_text": choice_label("request_state", filed.state),
        "received": local_text(filed.received_at, time_zone),
        "due": due.isoformat() if due else None, "provisional": filed.due_provisional,
        "extended": filed.extended_due_on.isoformat() if filed.extended_due_on else None,
        "extension_reason": filed.extension_reason,
        "sign": _sign_words(sign, tag),
        "steps": [{"action": choice_label("request_action", step.action), "at": local_text(step.at, time_zone),
                   "message": step.message} for step in steps],
        "site_closed": local_text(site.status_changed_at, time_zone) if site.status == "decommissioned" else None,
        "has_contact": filed.reply_contact is not None, "contact_erased": filed.contact_erased_at is not None,
    }
