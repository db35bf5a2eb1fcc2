"""Connect the register to what sites and notices announce."""
from signage.notices.signals import notice_published
from signage.register import services
from signage.sites.signals import site_changed, site_status_changed


def subscribe() -> None:
    """Refresh a site's register row in the transaction of each change that moves it."""
    notice_published.connect(services.on_notice_published)
    site_status_changed.connect(services.on_status_changed)
    site_changed.connect(services.on_site_changed)
