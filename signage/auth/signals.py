"""What accounts announce, so the features built on them can act without accounts knowing them."""
from blinker import Namespace

_signals = Namespace()

#: The operator's details changed. sender: the Organisation; changes: {field: [before, after]}; by; now.
#: Receivers run inside the sender's transaction.
organisation_changed = _signals.signal("organisation-changed")
