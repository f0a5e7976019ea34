"""Training catalogue: upcoming and past events, filtered by topic, type, month and status;
the mean ratings per trainer and per topic; the topic list (admin)."""

from datetime import date, timedelta

import streamlit as st

from dashboard.core import clock
from dashboard.core.i18n import current_language, fmt_date, fmt_number, t
from dashboard.services.education import enrolment, trainings
from dashboard.ui import cached, charts
from dashboard.ui import widgets as ui

db, actor = ui.db(), ui.actor()
st.title(t("page.events"))
ui.show_flash()
today = clock.today()
lang = current_language()
# What the tables and the chart show is kept while the data stays as it is (the stamp: the newest audit
# row, new with every write in the app), for this language and role: a rerun then only draws it.
data_key = (db.path, cached.stamp(), lang, actor.role)
all_topics = cached.remember(("events page", *data_key, "topics"), lambda: trainings.topics(db, active_only=False))
name_column = "name_pl" if lang == "pl" else "name_en"
topic_names = dict(zip(all_topics["code"], all_topics[name_column].fillna(all_topics["name_pl"])))
active_topics = [c for c, active in zip(all_topics["code"], all_topics["active"]) if active]

tab_names = [t("events.tab.catalogue"), t("events.tab.ratings")] + ([t("events.tab.topics")]
                                                                     if actor.can("settings") else [])
tab_catalogue, tab_ratings, *tab_admin = st.tabs(tab_names)

with tab_catalogue:
    c1, c2, c3, c4, c5 = st.columns([2.6, 2, 2, 2, 2])
    when = c1.segmented_control(t("events.when"), ["upcoming", "past"], default="upcoming", key="ev_when",
                                format_func=lambda w: t(f"events.{w}"))
    event_type = c2.selectbox(t("event.type"), [None, *trainings.TYPES], placeholder=t("common.all"), key="ev_type",
                              format_func=lambda v: t("common.all") if v is None else t(f"event_type.{v}"))
    topic = c3.selectbox(t("event.topic"), [None, *active_topics], placeholder=t("common.all"), key="ev_topic",
                         format_func=lambda v: t("common.all") if v is None else topic_names[v])
    status = c4.selectbox(t("event.status"), [None, *trainings.STATUSES], placeholder=t("common.all"),
                          key="ev_status",
                          format_func=lambda v: t("common.all") if v is None else t(f"event_status.{v}"))
    months = [date(today.year + (today.month - 1 + k) // 12, (today.month - 1 + k) % 12 + 1, 1) for k in range(-12, 7)]
    month = c5.selectbox(t("events.month"), [None, *months], placeholder=t("common.all"), key="ev_month",
                         format_func=lambda m: t("common.all") if m is None else f"{m:%m.%Y}")

    if month:
        date_from, date_to = month, (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    elif when == "past":
        date_from, date_to = None, today - timedelta(days=1)
    else:
        date_from, date_to = today, None
    def catalogue():
        """The events found, as the table shows them (the newest first for the past ones)."""
        found = trainings.events(db, actor, date_from, date_to, event_type=event_type, topic=topic, status=status)
        if when == "past" and not month:
            found = found.iloc[::-1]
        return found.assign(
            when=found["first_start"].map(fmt_date) + " " + found["first_start"].dt.strftime("%H:%M"),
            event_type=found["event_type"].map(lambda v: t(f"event_type.{v}")),
            status=found["status"].map(lambda v: t(f"event_status.{v}")),
            places=found["enrolled"].astype(str) + " / " + found["capacity"].astype(str)
            + found["waitlisted"].map(lambda w: f" (+{w})" if w else ""),
        )

    table = cached.remember(("events page", *data_key, date_from, date_to, event_type, topic, status, when),
                            catalogue)
    found = table
    if found.empty:
        st.info(t("events.none"))
    else:
        st.caption(t("events.count", count=len(found)) + " " + t("events.open_hint"))
        picked = ui.table(table, {"when": "events.first_session", "title": "event.title", "event_type": "event.type",
                                  "topics": "event.topics", "trainer_name": "event.trainer", "room": "booking.resource",
                                  "places": "events.places", "sessions": "events.sessions", "status": "event.status"},
                          on_select="rerun", selection_mode="single-row", key="ev_table")
        if picked and picked.selection.rows:
            ui.goto("wydarzenie", id=int(found.iloc[picked.selection.rows[0]]["id"]))

with tab_ratings:
    years = list(range(today.year, today.year - 6, -1))
    year = st.selectbox(t("events.ratings.year"), [None, *years], key="ev_ratings_year",
                        format_func=lambda y: t("events.ratings.all_years") if y is None else str(y))
    period = (date(year, 1, 1), date(year, 12, 31)) if year else (None, None)

    def ratings() -> dict:
        """The ratings per trainer and per topic as the tables show them, and the chart's Vega-Lite spec."""
        by_trainer = enrolment.ratings_by_trainer(db, actor, *period)
        by_topic = enrolment.ratings_by_topic(db, actor, *period)
        if by_topic.empty and by_trainer.empty:
            return {"spec": None}
        by_topic = by_topic.assign(topic_name=by_topic["topic"].map(lambda c: topic_names.get(c, c)))
        spec = ui.vega_lite_spec(charts.themed(charts.rating_bars(
            by_topic, "topic_name", {"topic_name": t("event.topic"), "mean_rating": t("event.mean_rating"),
                                     "ratings": t("events.ratings.count")}), height=40 + 28 * len(by_topic)))
        mean = {"mean": lambda f: f["mean_rating"].map(lambda v: fmt_number(v, digits=2))}
        return {"spec": spec, "by_trainer": by_trainer.assign(**mean), "by_topic": by_topic.assign(**mean)}

    rated = cached.remember(("events page", *data_key, period), ratings)
    if rated["spec"] is None:
        st.info(t("events.ratings.none"))
    else:
        st.caption(t("events.ratings.hint"))
        st.vega_lite_chart(spec=rated["spec"], theme=None, width="stretch")
        c1, c2 = st.columns(2)
        with c1:
            st.subheader(t("events.ratings.by_trainer"))
            ui.table(rated["by_trainer"], {"trainer_name": "event.trainer", "events": "events.ratings.events",
                                           "ratings": "events.ratings.count", "mean": "event.mean_rating"})
        with c2:
            st.subheader(t("events.ratings.by_topic"))
            ui.table(rated["by_topic"], {"topic_name": "event.topic", "ratings": "events.ratings.count",
                                         "mean": "event.mean_rating"})

for tab in tab_admin:
    with tab:
        FORM = "topic_new"

        def add_topic() -> None:
            values = {f: st.session_state.get(f"{FORM}__{f}") for f in ("code", "name_pl", "name_en")}
            ok, code = ui.run_service(FORM, lambda: trainings.add_topic(db, actor, **values))
            if ok:
                ui.flash(t("events.topics.added", code=code))
                for field in ("code", "name_pl", "name_en"):
                    st.session_state[f"{FORM}__{field}"] = ""

        st.caption(t("events.topics.hint"))
        ui.form_message("topic_action")
        shown = all_topics.assign(active=all_topics["active"].map(lambda a: t("common.yes") if a else t("common.no")))
        ui.table(shown, {"code": "events.topics.code", "name_pl": "events.topics.name_pl",
                         "name_en": "events.topics.name_en", "active": "events.topics.active"})
        c1, c2 = st.columns([3, 2], vertical_alignment="bottom")
        chosen = c1.selectbox(t("event.topic"), list(topic_names), key="topic_toggle_pick",
                              format_func=lambda c: f"{c} · {topic_names[c]}")
        is_active = chosen in active_topics
        if c2.button(t("events.topics.retire") if is_active else t("events.topics.restore"), key="topic_toggle_go"):
            ok, _ = ui.run_service("topic_action", lambda: trainings.set_topic_active(db, actor, chosen, not is_active))
            if ok:
                ui.flash(t("events.topics.retired" if is_active else "events.topics.restored", code=chosen))
            st.rerun()
        st.subheader(t("events.topics.new"))
        ui.form_message(FORM)
        with st.form(FORM, enter_to_submit=False):
            c1, c2, c3 = st.columns([1, 2, 2])
            with c1:
                ui.field(FORM, "code", st.text_input, t("events.topics.code") + " *", help=t("events.topics.code_help"))
            with c2:
                ui.field(FORM, "name_pl", st.text_input, t("events.topics.name_pl") + " *")
            with c3:
                ui.field(FORM, "name_en", st.text_input, t("events.topics.name_en"))
            st.form_submit_button(t("events.topics.add"), type="primary", on_click=add_topic)
