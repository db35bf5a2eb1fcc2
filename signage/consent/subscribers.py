"""Connect consent records to what the audit log asks of the records it vouches for."""
from signage.audit.signals import verification_requested
from signage.consent.integrity import consent_breaks
from signage.consent.renewals import flag_renewals
from signage.notices.signals import notice_published


def subscribe() -> None:
    """Have `audit verify` check every consent event against the entry that appended it, and a notice that
    changes what people agreed to ask for their consent again."""
    verification_requested.connect(consent_breaks)
    notice_published.connect(flag_renewals)
