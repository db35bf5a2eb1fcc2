"""Connect the calendar to what sites announce."""
from signage.calendar import services
from signage.sites.signals import site_changed, site_records_changed, summaries_refreshed


def subscribe() -> None:
    """Keep each site's duties in the transaction of each change that moves them."""
    site_changed.connect(services.on_site_changed)
    summaries_refreshed.connect(services.on_summaries_refreshed)
    site_records_changed.connect(services.on_records_changed)
