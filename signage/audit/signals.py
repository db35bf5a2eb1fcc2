"""What the audit log asks of the features whose records it vouches for."""
from blinker import Namespace

_signals = Namespace()

#: The whole log is being verified. Each receiver checks its own records against the entries that
#: published them and returns a list of signage.audit.verification.RecordBreak.
verification_requested = _signals.signal("verification-requested")
