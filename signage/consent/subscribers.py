"""Connect consent records to what the audit log asks of the records it vouches for."""
from signage.audit.signals import verification_requested
from signage.consent.integrity import consent_breaks


def subscribe() -> None:
    """Have `audit verify` check every consent event against the entry that appended it."""
    verification_requested.connect(consent_breaks)
