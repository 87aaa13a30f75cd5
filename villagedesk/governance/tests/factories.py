"""Meetings, items and matters for tests, written through the services."""

import datetime

from villagedesk.governance import services
from villagedesk.governance.models import AgendaItem, Matter, Meeting, PublicNotice


def make_meeting(*, by, village, kind, due=30, present=25, held_on=None, **fields) -> Meeting:
    meeting = Meeting(
        village=village,
        kind=kind,
        held_on=held_on or datetime.date(2026, 3, 1),
        chair="王书记",
        due=due,
        present=present,
        **fields,
    )
    return services.meeting_save(by=by, meeting=meeting)


def make_item(*, by, meeting, votes_for=None, votes_against=0, title="议题", **fields):
    item = AgendaItem(
        meeting=meeting,
        title=title,
        votes_for=votes_for,
        votes_against=None if votes_for is None else votes_against,
        **fields,
    )
    return services.item_save(by=by, item=item)


def make_matter(*, by, village, kind="project", title="村集体茶叶初制所建设") -> Matter:
    return services.matter_save(by=by, matter=Matter(village=village, kind=kind, title=title))


def make_notice(*, by, village, posted_on, title="决议公开", text="经村民代表会议表决通过。"):
    notice = PublicNotice(
        village=village,
        category="village",
        title=title,
        text=text,
        posted_on=posted_on,
        place="村委会公开栏",
    )
    return services.notice_save(by=by, notice=notice)
