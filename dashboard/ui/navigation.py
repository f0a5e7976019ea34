"""Every page of the app, its section and the permission it needs: one table.

The entry file registers all of them with ``st.navigation`` (so a deep link or a refresh
resolves before login), then the sidebar offers only those the user's role allows.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from dashboard import PROJECT_ROOT
from dashboard.core.i18n import t
from dashboard.core.roles import Actor


@dataclass(frozen=True)
class PageSpec:
    file: str            # under pages/
    url_path: str
    title_key: str
    section_key: str
    permission: str
    icon: str
    default: bool = False


PAGES: tuple[PageSpec, ...] = (
    PageSpec("home.py", "pulpit", "page.home", "section.centre", "read", ":material/dashboard:", default=True),
    PageSpec("front_desk.py", "recepcja", "page.front_desk", "section.reservations", "read", ":material/today:"),
    PageSpec("booking_new.py", "nowa-rezerwacja", "page.booking_new", "section.reservations", "write",
             ":material/event_available:"),
    PageSpec("week.py", "kalendarz", "page.week", "section.reservations", "read", ":material/calendar_view_week:"),
    PageSpec("bookings.py", "rezerwacje", "page.bookings", "section.reservations", "read", ":material/list_alt:"),
    PageSpec("booking.py", "rezerwacja", "page.booking", "section.reservations", "read", ":material/event:"),
    PageSpec("lockers.py", "szafki", "page.lockers", "section.reservations", "read", ":material/lock:"),
    PageSpec("opening_hours.py", "godziny-otwarcia", "page.opening_hours", "section.reservations", "read",
             ":material/schedule:"),
    PageSpec("events.py", "szkolenia", "page.events", "section.education", "read", ":material/school:"),
    PageSpec("event_new.py", "nowe-wydarzenie", "page.event_new", "section.education", "write",
             ":material/add_circle:"),
    PageSpec("event.py", "wydarzenie", "page.event", "section.education", "read", ":material/event_note:"),
    PageSpec("advisory.py", "doradztwo", "page.advisory", "section.education", "read", ":material/support_agent:"),
    PageSpec("survey.py", "oczekiwania-ngo", "page.survey", "section.education", "read", ":material/ballot:"),
    PageSpec("volunteers.py", "wolontariusze", "page.volunteers", "section.volunteers", "read",
             ":material/volunteer_activism:"),
    PageSpec("volunteer_new.py", "nowy-wolontariusz", "page.volunteer_new", "section.volunteers", "write",
             ":material/person_add:"),
    PageSpec("volunteer.py", "wolontariusz", "page.volunteer", "section.volunteers", "read", ":material/person:"),
    PageSpec("opportunities.py", "oferty-wolontariatu", "page.opportunities", "section.volunteers", "read",
             ":material/handshake:"),
    PageSpec("opportunity.py", "oferta-wolontariatu", "page.opportunity", "section.volunteers", "read",
             ":material/assignment_ind:"),
    PageSpec("volunteer_hours.py", "godziny-wolontariatu", "page.volunteer_hours", "section.volunteers", "read",
             ":material/more_time:"),
    PageSpec("initiatives.py", "inicjatywy", "page.initiatives", "section.initiatives", "read",
             ":material/diversity_3:"),
    PageSpec("initiative_pipeline.py", "inicjatywy-etapy", "page.initiative_pipeline", "section.initiatives",
             "read", ":material/view_kanban:"),
    PageSpec("initiative_osiedla.py", "inicjatywy-osiedla", "page.initiative_osiedla", "section.initiatives",
             "read", ":material/map:"),
    PageSpec("initiative_new.py", "nowa-inicjatywa", "page.initiative_new", "section.initiatives", "write",
             ":material/add_location_alt:"),
    PageSpec("initiative.py", "inicjatywa", "page.initiative", "section.initiatives", "read",
             ":material/location_city:"),
    PageSpec("utilisation.py", "wykorzystanie", "page.utilisation", "section.results", "read",
             ":material/monitoring:"),
    PageSpec("results.py", "rezultaty", "page.results", "section.results", "read", ":material/flag:"),
    PageSpec("budget.py", "budzet", "page.budget", "section.results", "read", ":material/payments:"),
    PageSpec("report.py", "raport", "page.report", "section.results", "export", ":material/summarize:"),
    PageSpec("forum.py", "forum", "page.forum", "section.results", "read", ":material/slideshow:"),
    PageSpec("organisations.py", "organizacje", "page.organisations", "section.register", "read",
             ":material/groups:"),
    PageSpec("organisation.py", "organizacja", "page.organisation", "section.register", "read",
             ":material/badge:"),
    PageSpec("import.py", "import", "page.import", "section.admin", "write", ":material/upload_file:"),
    PageSpec("audit.py", "historia-zmian", "page.audit", "section.admin", "audit", ":material/history:"),
    PageSpec("users.py", "uzytkownicy", "page.users", "section.admin", "users", ":material/manage_accounts:"),
    PageSpec("settings.py", "ustawienia", "page.settings", "section.admin", "settings", ":material/tune:"),
    PageSpec("administration.py", "administracja", "page.administration", "section.admin", "settings",
             ":material/settings:"),
)

# Pages reached from another page (a row's detail), not listed in the sidebar.
HIDDEN = {"organizacja", "rezerwacja", "wydarzenie", "wolontariusz", "oferta-wolontariatu", "inicjatywa"}


def build() -> dict[str, st.Page]:
    """One st.Page per spec, keyed by url_path."""
    return {
        spec.url_path: st.Page(PROJECT_ROOT / "pages" / spec.file, title=t(spec.title_key), icon=spec.icon,
                               url_path=spec.url_path, default=spec.default)
        for spec in PAGES
    }


def spec_for(url_path: str) -> PageSpec | None:
    return next((s for s in PAGES if s.url_path == url_path or (s.default and url_path == "")), None)


def allowed(url_path: str, who: Actor) -> bool:
    spec = spec_for(url_path)
    return spec is not None and who.can(spec.permission)


def sidebar(pages: dict[str, st.Page], who: Actor) -> None:
    """Sidebar links grouped in sections, only the pages this role may open."""
    section = None
    for spec in PAGES:
        if spec.url_path in HIDDEN or not who.can(spec.permission):
            continue
        if spec.section_key != section:
            section = spec.section_key
            st.sidebar.caption(t(section))
        st.sidebar.page_link(pages[spec.url_path], label=t(spec.title_key), icon=spec.icon)
