"""What sites announce, so the features built on them can act without sites knowing them.

Receivers run inside the sender's transaction: a receiver that raises, or a refusal after it,
rolls everything back together. Features connect their receivers when the app is created.
"""
from blinker import Namespace

_signals = Namespace()

#: A site's fields changed. sender: the Site; changes: {field: [before, after]}; by; now.
site_changed = _signals.signal("site-changed")
#: A site passed every rule and went live. sender: the Site; first: whether it never was live before; by; now.
site_activated = _signals.signal("site-activated")
#: A site moved through its lifecycle (after site_activated's receivers, when it went live). sender: the
#: Site; before: its status before; by; now.
site_status_changed = _signals.signal("site-status-changed")
#: The rules need facts about records built on sites. sender: a list of Sites; activating: bool.
#: Each receiver returns {site id: {RuleContext field: value}} for the facts it knows.
rule_context_requested = _signals.signal("rule-context-requested")
#: A batch of the organisation's sites takes in a change to the operator's details (a job's batch).
#: sender: the Organisation; sites: the Sites; changes: {field: [before, after]}; actor: who made the
#: change, as the audit log describes them; now. Receivers run inside the batch's transaction.
operator_change_reached = _signals.signal("operator-change-reached")
#: The findings summaries of some sites were just refreshed, in the transaction of the change that moved
#: them (or by housekeeping, when dates did). sender: the Sites; now; settings.
summaries_refreshed = _signals.signal("summaries-refreshed")
#: Records built on some sites changed what they owe, or by when (a consent withdrawn or expired, a deletion
#: confirmed, a request filed, extended, answered or closed). sender: the site ids; now.
site_records_changed = _signals.signal("site-records-changed")
