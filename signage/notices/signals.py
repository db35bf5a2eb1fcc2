"""What notices announce, so the features built on them (consents) can act without notices knowing them.

Receivers run inside the sender's transaction, as signage.sites.signals' do.
"""
from blinker import Namespace

_signals = Namespace()

#: A new version of a site's notice was published. sender: the NoticeVersion; site; changed: the names of
#: the content's top-level items that changed (empty for the first version); by; now.
notice_published = _signals.signal("notice-published")
