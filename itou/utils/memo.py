"""A bounded dictionary of the process, for pure fragments keyed by their whole input.

Rendered layout parts (itou/utils/templatetags/layout_tags.py), rendered search form fields
(itou/www/search/templatetags/search_tags.py): the same text for the same input, worth
keeping in the process rather than in the `pages` cache (Redis in production: one network
round trip per lookup, more than the rendering it saves). Emptied when full and when a
setting changes (tests).
"""

import threading

from django.core.signals import setting_changed


class ProcessMemo:
    def __init__(self, max_entries: int):
        self.max_entries = max_entries
        self._entries: dict = {}
        self._lock = threading.Lock()
        setting_changed.connect(self._forget, weak=False)

    def get(self, key):
        return self._entries.get(key)

    def set(self, key, value) -> None:
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[key] = value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def _forget(self, **kwargs) -> None:
        self.clear()
