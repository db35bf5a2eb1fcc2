"""Connect notices to what sites and organisations announce."""
from signage.audit.signals import verification_requested
from signage.audit.transparency import checkpoint_before_commit
from signage.notices import services
from signage.notices.signals import notice_published
from signage.notices.integrity import notice_breaks
from signage.sites.signals import operator_change_reached, rule_context_requested, site_activated, site_changed


def subscribe() -> None:
    """Publish and republish notices as sites and operators change; tell the rules what is published."""
    site_activated.connect(services.publish_on_activation)
    site_changed.connect(services.republish_on_site_change)
    operator_change_reached.connect(services.republish_on_operator_change)
    rule_context_requested.connect(services.notice_facts)
    verification_requested.connect(notice_breaks)
    notice_published.connect(_checkpoint)


def _checkpoint(_version, **_) -> None:
    """Every publication of a notice is covered by a checkpoint signed in its own transaction."""
    checkpoint_before_commit()
