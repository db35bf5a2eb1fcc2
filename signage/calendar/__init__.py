"""The operator's compliance calendar: the dated duties of each site, kept beside it, marked done with
evidence, shown as a list and a month, and published as an iCalendar feed."""
