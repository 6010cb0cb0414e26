"""The events stage's public names: one happening, counted once, with every article citing it.

Split by job, each module its own owner (docs/events.md explains the rules):
- pipelines/event_rules.py: the merge rules, pure functions over candidates;
- pipelines/event_rebuild.py: rebuild_events, every event from every article (spills to disk);
- pipelines/event_update.py: update_events, only the events queued articles touch;
- pipelines/event_queue.py: the queue of those articles (written with facts and stories).
"""

from pipelines.event_queue import EVENTS_VERSION, PENDING_TABLE, queue_for_events
from pipelines.event_rebuild import rebuild_events
from pipelines.event_rules import (
    AWARD_TYPE,
    AWARD_WINDOW_DAYS,
    EVENT_TYPES,
    WINDOW_DAYS,
    article_candidates,
    build_event,
    citation_roles,
    event_id,
    group_candidates,
    same_happening,
)
from pipelines.event_update import update_events

__all__ = [
    "AWARD_TYPE", "AWARD_WINDOW_DAYS", "EVENTS_VERSION", "EVENT_TYPES", "PENDING_TABLE",
    "WINDOW_DAYS", "article_candidates", "build_event", "citation_roles", "event_id",
    "group_candidates", "queue_for_events", "rebuild_events", "same_happening", "update_events",
]
