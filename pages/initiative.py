"""One local initiative: its stage and money, the next steps of the Łódź procedure with what each
records, the timeline of its history, the advisory scoring, the support log, the documents
checklist and (for staff) the application's data. The coordinator reads it with contacts masked."""

from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
import streamlit as st

from dashboard.core import clock
from dashboard.core.errors import Message
from dashboard.core.i18n import current_language, fmt_date, fmt_datetime, fmt_money, fmt_number, t
from dashboard.core.privacy import show
from dashboard.services.admin import audit
from dashboard.services.initiatives import extras as initiative_extras
from dashboard.services.initiatives import records as initiatives
from dashboard.services.initiatives import stages as initiative_stages
from dashboard.services.initiatives import views as initiative_views
from dashboard.ui import widgets as ui
from dashboard.ui.forms import initiative as initiative_form

db, actor = ui.db(), ui.actor()
pages = st.session_state["_pages"]
lang = current_language()
today = clock.today()
initiative_id, card = ui.detail_header(lambda i: initiative_views.get_initiative(db, actor, i), back_to="inicjatywy",
                                       back_key="initiatives.back", title_key="page.initiative",
                                       not_found_key="initiatives.not_found")
stage = card["stage"]
writable = initiative_stages.editable_when(actor, card["stage_closed"])
money = card["money"]


def stage_name(code: str) -> str:
    return t(f"initiative.stage.{code}")


def readable(message: Message) -> Message:
    """A service's message with stage codes as names and amounts as money (services speak in codes)."""
    params = dict(message.params)
    for name in ("from_stage", "to_stage", "stage"):
        if name in params:
            params[name] = stage_name(params[name])
    if "allowed" in params:
        params["allowed"] = ", ".join(stage_name(s) for s in params["allowed"].split(", ") if s != "—") or "—"
    for name in ("budget", "committed", "amount"):
        if name in params:
            params[name] = fmt_number(Decimal(params[name]), digits=2)
    return Message(message.key, params)


def show_message(form: str) -> None:
    """The form's outcome, drawn by its submit button: a success once, or the refusal (in words) with
    every reason; the toast said it already, wherever the page was scrolled."""
    ui.outcome(form)


def present(value) -> bool:
    """Not None, not NaN (an empty cell of a frame), not an empty text."""
    return value is not None and value == value and value != ""


def hours_text(value) -> str:
    """Hours as people write them: 120, or 7,50 when there is a fraction."""
    number = Decimal(value)
    return fmt_number(number, digits=0 if number == number.to_integral_value() else 2)


def text_or_dash(value) -> str:
    return ui.escape_md(str(value)) if present(value) else "—"


# -- header: stage and money -------------------------------------------------------------------
st.title(card["title"])
st.caption(" · ".join([t("initiatives.number_short", id=initiative_id), card[f"sphere_{lang}"], card["osiedle"],
                       t("initiatives.submitted_on_short", day=fmt_date(card["submitted_on"]))]))
ui.show_flash()
days = (today - card["stage_since"].date()).days
colour = {"rejected": "red", "withdrawn": "gray", "settled": "green"}.get(stage, "blue")
st.markdown(f"{t('initiatives.stage')}: :{colour}-badge[:material/flag: {stage_name(stage)}] "
            f"{t('initiatives.since', day=fmt_date(card['stage_since']), days=days)}")
c1, c2, c3 = st.columns(3)
c1.metric(t("initiatives.money.city"), fmt_money(money["city_pln"]), border=True)
c2.metric(t("initiatives.money.residents_total"), fmt_money(money["residents_pln"]), border=True,
          help=t("initiatives.residents_help"))
c3.metric(t("initiatives.total_value"), fmt_money(money["total_pln"]), border=True,
          delta=t("initiatives.own_share", percent=fmt_number(money["own_share"] * 100, digits=1)),
          delta_color="off", delta_arrow="off")

left, right = st.columns([3, 2])
with left:
    rate = card["social_work_rate_pln"]
    rows = [
        (t("initiatives.money.social_work"),
         t("initiatives.money.hours_rate", hours=hours_text(card["social_work_hours"]), rate=fmt_money(rate)),
         money["social_work_pln"]),
        (t("initiatives.money.in_kind"), card["in_kind_description"], money["in_kind_pln"]),
        (t("initiatives.money.money"), "", money["money_pln"]),
        (f"**{t('initiatives.money.residents_total')}**", "", money["residents_pln"]),
        (t("initiatives.money.city"), card["city_part_description"], money["city_pln"]),
        (f"**{t('initiatives.money.total')}**", "", money["total_pln"]),
    ]
    heads = (t("initiatives.money.part"), t("initiatives.money.description"), t("initiatives.money.amount"))
    table = ["| " + " | ".join(heads) + " |", "|---|---|---:|"]
    table += [f"| {name} | {ui.escape_md(desc or '')} | {fmt_money(value)} |" for name, desc, value in rows]
    st.markdown("\n".join(table))
with right:
    if card["applicant_kind"] == "organisation":
        st.markdown(f"**{t('initiatives.applicant')}:** {t('initiatives.applicant_kind.organisation')}")
        st.page_link(pages["organizacja"], label=card["organisation"], icon=":material/groups:",
                     query_params={"id": str(card["organisation_id"])})
    else:
        st.markdown(f"**{t('initiatives.applicant')}:** {t('initiatives.applicant_kind.group')}  \n"
                    f"**{t('initiatives.form.leader_name')}:** {text_or_dash(card['leader_name'])}  \n"
                    f"**{t('initiatives.form.leader_email')}:** {text_or_dash(card['leader_email'])}  \n"
                    f"**{t('initiatives.form.leader_phone')}:** "
                    f"{text_or_dash(show(card['leader_phone'], 'phone', actor))}")
    planned = " – ".join(fmt_date(d) for d in (card["planned_start"], card["planned_end"]) if d) or "—"
    st.markdown(f"**{t('initiatives.form.supporters')}:** {fmt_number(card['supporters'])}  \n"
                f"**{t('initiatives.form.partners')}:** {text_or_dash(card['partners'])}  \n"
                f"**{t('initiatives.planned')}:** {planned}")
if card["description"]:
    st.markdown(ui.escape_md(card["description"]))

stage_facts = [
    ("initiatives.move.fixes_deadline", fmt_date(card["fixes_deadline"])),
    ("initiatives.move.review_opinion", card["review_opinion"]),
    ("initiatives.move.accepted_on", fmt_date(card["accepted_on"])),
    ("initiatives.move.rejection_reason", card["rejection_reason"]),
    ("initiatives.move.responsible_unit", card["responsible_unit"]),
    ("initiatives.move.schedule", card["schedule"]),
    ("initiatives.move.cost_estimate_pln", fmt_money(card["cost_estimate_pln"]) if card["cost_estimate_pln"] is not None
     else None),
    ("initiatives.move.agreement_number", card["agreement_number"]),
    ("initiatives.move.agreement_date", fmt_date(card["agreement_date"])),
    ("initiatives.move.settled_on", fmt_date(card["settled_on"])),
]
facts = [f"**{t(k)}:** {ui.escape_md(str(v))}" for k, v in stage_facts if present(v)]
if facts:
    with st.container(border=True):
        st.markdown("  \n".join(facts))

tab_names = [t("initiatives.tab.procedure"), t("initiatives.tab.scoring"), t("initiatives.tab.support"),
             t("initiatives.tab.documents")]
if writable:
    tab_names.append(t("initiatives.tab.edit"))
tabs = st.tabs(tab_names)

# -- procedure: the next step and the timeline ----------------------------------------------------
MOVE = f"initiative_move_{initiative_id}"
SIDE_STEPS = ("fixes_requested", "rejected", "withdrawn")  # offered, but the onward step is preselected
DETAIL_FIELDS = ("fixes_deadline", "review_opinion", "accepted_on", "rejection_reason", "responsible_unit",
                 "schedule", "cost_estimate_pln", "agreement_number", "agreement_date", "settled_on")


def mkey(field: str) -> str:
    return f"{MOVE}__{field}"


def do_move(target: str) -> None:
    details = {f: st.session_state.get(mkey(f)) for f in DETAIL_FIELDS if mkey(f) in st.session_state}
    ok, _ = ui.run_service(MOVE, lambda: initiative_stages.move(
        db, actor, initiative_id, target, st.session_state.get(mkey("note")), details=details,
        confirm_over_budget=bool(st.session_state.get(mkey("confirm"))),
        over_budget_reason=st.session_state.get(mkey("over_budget_reason"))), readable=readable)
    if ok:
        ui.flash(t("initiatives.move.done", stage=stage_name(target)), form=MOVE)
        for field in (*DETAIL_FIELDS, "note", "confirm", "over_budget_reason"):
            st.session_state.pop(mkey(field), None)


def move_fields(target: str) -> None:
    """What the chosen step records, each field with its message."""
    if target == "fixes_requested":
        ui.field(MOVE, "fixes_deadline", st.date_input, t("initiatives.move.fixes_deadline") + " *",
                 value=today + timedelta(days=14), min_value=today, format="DD.MM.YYYY")
    if target in ("accepted", "rejected"):
        ui.field(MOVE, "review_opinion", st.text_area, t("initiatives.move.review_opinion"), max_chars=2000)
    if target == "accepted":
        ui.field(MOVE, "accepted_on", st.date_input, t("initiatives.move.accepted_on"), value=today, max_value=today,
                 format="DD.MM.YYYY")
    if target == "rejected":
        ui.field(MOVE, "rejection_reason", st.text_area, t("initiatives.move.rejection_reason") + " *", max_chars=2000)
    if target == "preparation":
        preparation_fields(MOVE)
    if target == "agreement_signed":
        c1, c2 = st.columns(2)
        with c1:
            ui.field(MOVE, "agreement_number", st.text_input, t("initiatives.move.agreement_number") + " *",
                     max_chars=100, placeholder=f"IL/{initiative_id}/{today.year}")
        with c2:
            ui.field(MOVE, "agreement_date", st.date_input, t("initiatives.move.agreement_date") + " *", value=today,
                     max_value=today, format="DD.MM.YYYY")
    if target == "settled":
        ui.field(MOVE, "settled_on", st.date_input, t("initiatives.move.settled_on"), value=today, max_value=today,
                 format="DD.MM.YYYY")
    ui.field(MOVE, "note", st.text_area,
             t("initiatives.move.withdraw_note") if target == "withdrawn" else t("initiatives.move.note"),
             max_chars=2000)


def preparation_fields(form: str) -> None:
    ui.field(form, "responsible_unit", st.text_input, t("initiatives.move.responsible_unit") + " *", max_chars=200,
             placeholder=t("initiatives.move.responsible_unit_placeholder"))
    ui.field(form, "schedule", st.text_area, t("initiatives.move.schedule"), max_chars=2000)
    ui.field(form, "cost_estimate_pln", st.text_input, t("initiatives.move.cost_estimate_pln"), placeholder="0,00")


def budget_check() -> None:
    """Before an acceptance: the budget of the acceptance's year, and the confirmation an overrun needs
    (the service decides when, by the rule the move enforces)."""
    check = initiative_stages.budget_overrun(db, actor, initiative_id, st.session_state.get(mkey("accepted_on")))
    st.caption(t("initiatives.move.budget_line", year=check["year"], committed=fmt_money(check["committed_pln"]),
                 budget=fmt_money(check["budget_pln"]), after=fmt_money(check["after_pln"])))
    refused = ui.message(MOVE)
    if check["needs_confirmation"] or ui.form_errors(MOVE).get("over_budget_reason") \
            or getattr(refused, "key", "") == "error.initiative_over_budget":
        st.warning(t("initiatives.move.over_budget", year=check["year"], over=fmt_money(check["over_pln"])))
        st.checkbox(t("initiatives.move.confirm_over_budget"), key=mkey("confirm"))
        ui.field(MOVE, "over_budget_reason", st.text_input, t("initiatives.move.over_budget_reason") + " *",
                 max_chars=1000)


with tabs[0]:
    if writable and card["allowed_moves"]:
        st.subheader(t("initiatives.move.title"))
        st.caption(t("initiatives.move.allowed", moves=", ".join(stage_name(m) for m in card["allowed_moves"])))
        onward = next((m for m in card["allowed_moves"] if m not in SIDE_STEPS), card["allowed_moves"][0])
        target = st.segmented_control(t("initiatives.move.choose"), card["allowed_moves"], format_func=stage_name,
                                      default=onward, required=True, key=f"move_target_{initiative_id}_{stage}")
        if target:
            with st.form(MOVE, enter_to_submit=False):
                move_fields(target)
                if target == "accepted":
                    budget_check()
                show_message(MOVE)
                st.form_submit_button(t("initiatives.move.submit", stage=stage_name(target)),
                                      type="secondary" if target in ("withdrawn", "rejected") else "primary",
                                      on_click=do_move, args=(target,))
    if not (writable and card["allowed_moves"]):
        show_message(MOVE)  # the move just made closed the procedure: its outcome, at the top of the tab
    if writable and stage == "preparation":
        PREP = f"initiative_preparation_{initiative_id}"

        def pkey(field: str) -> str:
            return f"{PREP}__{field}"

        if st.session_state.get("_initiative_prep_loaded") != initiative_id:
            for field in ("responsible_unit", "schedule"):
                st.session_state[pkey(field)] = card[field] or ""
            st.session_state[pkey("cost_estimate_pln")] = initiative_form.amount_text(card["cost_estimate_pln"])
            st.session_state["_initiative_prep_loaded"] = initiative_id

        def save_preparation() -> None:
            data = {f: st.session_state.get(pkey(f)) for f in ("responsible_unit", "schedule", "cost_estimate_pln")}
            ok, _ = ui.run_service(PREP, lambda: initiative_stages.update_preparation(db, actor, initiative_id, data),
                                   readable=readable)
            if ok:
                ui.flash(t("initiatives.preparation.saved"), form=PREP)
                st.session_state.pop("_initiative_prep_loaded", None)

        with st.expander(t("initiatives.preparation.edit"), key=f"{PREP}_box"), st.form(PREP, enter_to_submit=False):
            preparation_fields(PREP)
            show_message(PREP)
            st.form_submit_button(t("common.save"), on_click=save_preparation)

    st.subheader(t("initiatives.timeline"))
    for step in card["timeline"].itertuples():
        move_text = (f"{stage_name(step.from_stage)} → **{stage_name(step.to_stage)}**" if present(step.from_stage)
                     else f"**{stage_name(step.to_stage)}**")
        line = (f":material/radio_button_checked: {fmt_datetime(step.at_local)} · {move_text} · "
                f"{ui.escape_md(step.username)}")
        if present(step.note):
            line += "  \n" + "  \n".join(f"&emsp;{ui.escape_md(part)}" for part in str(step.note).splitlines())
        st.markdown(line)

# -- advisory scoring ----------------------------------------------------------------------------
with tabs[1]:
    st.info(t("initiative.score_advisory"), icon=":material/info:")
    scores = card["scores"]
    criteria = scores["criteria"]
    crit_names = {c["code"]: c[f"name_{lang}"] for c in criteria}
    if scores["advisory_total"] is not None:
        st.metric(t("initiatives.scoring.total"), f"{fmt_number(scores['advisory_total'], digits=1)} / 100",
                  help=t("initiatives.scoring.total_help"), border=True)
    # All cells as text: points, then the weighted totals with one decimal, in one grid.
    base = pd.DataFrame({"criterion": [crit_names[c["code"]] for c in criteria],
                         "weight": [fmt_number(c["weight"]) for c in criteria],
                         "max_points": [str(c["max_points"]) for c in criteria]})
    points = scores["points"]
    if not points.empty:
        grid = points.pivot(index="criterion", columns="reviewer", values="points")
        for reviewer in grid.columns:
            base[reviewer] = [fmt_number(grid[reviewer].get(c["code"])) or "—" for c in criteria]
        totals = {"criterion": t("initiatives.scoring.weighted"), "weight": "", "max_points": "",
                  **{r: fmt_number(v, digits=1) for r, v in scores["by_reviewer"].items()}}
        base = pd.concat([base, pd.DataFrame([totals])], ignore_index=True)
    else:
        st.caption(t("initiatives.scoring.none"))
    base = base.rename(columns={"criterion": t("initiatives.scoring.criterion"),
                                "weight": t("initiatives.scoring.weight"), "max_points": t("initiatives.scoring.max")})
    st.dataframe(base, hide_index=True, width="stretch")
    if writable:
        SCORE = f"initiative_score_{initiative_id}"

        def save_score() -> None:
            given = {c["code"]: st.session_state.get(f"{SCORE}__{c['code']}") for c in criteria}
            ok, _ = ui.run_service(SCORE, lambda: initiative_extras.score(
                db, actor, initiative_id, {k: int(v) for k, v in given.items() if v is not None},
                reviewer=st.session_state.get(f"{SCORE}__reviewer")), readable=readable)
            if ok:
                ui.flash(t("initiatives.scoring.saved"), form=SCORE)

        with st.expander(t("initiatives.scoring.add"), key=f"{SCORE}_box"):
            st.session_state.setdefault(f"{SCORE}__reviewer", actor.full_name or actor.username)
            with st.form(SCORE, enter_to_submit=False):
                ui.field(SCORE, "reviewer", st.text_input, t("initiatives.scoring.reviewer") + " *", max_chars=120,
                         help=t("initiatives.scoring.reviewer_help"))
                columns = st.columns(3)
                for index, crit in enumerate(criteria):
                    with columns[index % 3]:
                        ui.field(SCORE, crit["code"], st.number_input,
                                 f"{crit[f'name_{lang}']} (0–{crit['max_points']})", min_value=0,
                                 max_value=int(crit["max_points"]), step=1, value=None)
                ui.field_error(SCORE, "points")
                show_message(SCORE)
                st.form_submit_button(t("initiatives.scoring.submit"), on_click=save_score)

# -- support log ---------------------------------------------------------------------------------
with tabs[2]:
    support = card["support"]
    if support.empty:
        st.caption(t("initiatives.support.none"))
    else:
        ui.table(support.assign(held_on=support["held_on"].map(fmt_date)),
                 {"held_on": "initiatives.support.held_on", "advisor": "initiatives.support.advisor",
                  "topic": "initiatives.support.topic", "outcome": "initiatives.support.outcome"})
    if writable:
        st.page_link(pages["oferty-wolontariatu"], label=t("initiatives.support.request_volunteers"),
                     icon=":material/volunteer_activism:", query_params={"initiative": str(initiative_id)})
        SUPPORT = f"initiative_support_{initiative_id}"

        def skey(field: str) -> str:
            return f"{SUPPORT}__{field}"

        def save_support() -> None:
            data = {f: st.session_state.get(skey(f)) for f in ("held_on", "advisor", "topic", "outcome")}
            ok, _ = ui.run_service(SUPPORT, lambda: initiative_extras.add_support(db, actor, initiative_id, data),
                                   readable=readable)
            if ok:
                ui.flash(t("initiatives.support.saved"), form=SUPPORT)
                for field in ("topic", "outcome"):
                    st.session_state.pop(skey(field), None)

        st.session_state.setdefault(skey("advisor"), actor.full_name or actor.username)
        st.session_state.setdefault(skey("held_on"), today)
        with st.expander(t("initiatives.support.add"), key=f"{SUPPORT}_box"), st.form(SUPPORT, enter_to_submit=False):
            c1, c2 = st.columns(2)
            with c1:
                ui.field(SUPPORT, "held_on", st.date_input, t("initiatives.support.held_on") + " *",
                         min_value=date(2000, 1, 1), max_value=today, format="DD.MM.YYYY")
            with c2:
                ui.field(SUPPORT, "advisor", st.text_input, t("initiatives.support.advisor") + " *", max_chars=120)
            ui.field(SUPPORT, "topic", st.text_input, t("initiatives.support.topic") + " *", max_chars=500)
            ui.field(SUPPORT, "outcome", st.text_area, t("initiatives.support.outcome"), max_chars=2000)
            show_message(SUPPORT)
            st.form_submit_button(t("initiatives.support.submit"), on_click=save_support)

# -- documents checklist -------------------------------------------------------------------------
with tabs[3]:
    checklist = card["checklist"]
    received = int((checklist["status"] == "received").sum())
    st.caption(t("initiatives.documents.summary", received=received, total=len(checklist)))
    status_icon = {"received": ":material/check_circle:", "missing": ":material/cancel:",
                   "not_needed": ":material/remove_circle_outline:"}
    for doc in checklist.itertuples():
        when = f" · {fmt_date(doc.received_on)}" if doc.status == "received" else ""
        note = f" — {ui.escape_md(doc.note)}" if present(doc.note) else ""
        colour = {"received": "green", "missing": "red"}.get(doc.status, "gray")
        st.markdown(f"{status_icon[doc.status]} **{getattr(doc, f'name_{lang}')}**: "
                    f":{colour}[{t('initiative.document.' + doc.status)}]{when}{note}")
    if writable:
        DOCS = f"initiative_document_{initiative_id}"
        kinds = dict(zip(checklist["kind"], checklist[f"name_{lang}"]))

        def dkey(field: str) -> str:
            return f"{DOCS}__{field}"

        def save_document() -> None:
            ok, _ = ui.run_service(DOCS, lambda: initiative_extras.set_document(
                db, actor, initiative_id, st.session_state.get(dkey("kind")), st.session_state.get(dkey("status")),
                st.session_state.get(dkey("received_on")), st.session_state.get(dkey("note"))), readable=readable)
            if ok:
                ui.flash(t("initiatives.documents.saved"), form=DOCS)
                st.session_state.pop(dkey("note"), None)

        st.session_state.setdefault(dkey("received_on"), today)
        with st.expander(t("initiatives.documents.update"), key=f"{DOCS}_box"), st.form(DOCS, enter_to_submit=False):
            c1, c2, c3 = st.columns([2, 2, 1])
            with c1:
                ui.field(DOCS, "kind", st.selectbox, t("initiatives.documents.kind"), list(kinds),
                         format_func=kinds.get)
            with c2:
                ui.field(DOCS, "status", st.radio, t("initiatives.documents.status"),
                         ["received", "missing", "not_needed"], horizontal=True,
                         format_func=lambda s: t(f"initiative.document.{s}"))
            with c3:
                ui.field(DOCS, "received_on", st.date_input, t("initiatives.documents.received_on"),
                         min_value=date(2000, 1, 1), max_value=today, format="DD.MM.YYYY")
            ui.field(DOCS, "note", st.text_input, t("initiatives.documents.note"), max_chars=1000)
            show_message(DOCS)
            st.form_submit_button(t("common.save"), on_click=save_document)

# -- the application's data (staff) --------------------------------------------------------------
if writable:
    with tabs[4]:
        EDIT = f"initiative_edit_{initiative_id}"
        if st.session_state.get("_initiative_edit_loaded") != initiative_id:
            initiative_form.load(EDIT, initiatives.get_row(db, actor, initiative_id))
            st.session_state["_initiative_edit_loaded"] = initiative_id

        def edited(_) -> None:
            ui.flash(t("initiatives.edit.saved"), form=EDIT)
            st.session_state.pop("_initiative_edit_loaded", None)

        initiative_form.initiative_form(EDIT, t("common.save"),
                                        save=lambda values: initiatives.update(db, actor, initiative_id, values),
                                        on_saved=edited)

if actor.can("audit"):
    with st.expander(t("initiatives.audit")):
        history = audit.history(db, actor, entity="initiative", entity_id=str(initiative_id), limit=50)
        history["at_utc"] = history["at_utc"].map(fmt_datetime)
        ui.table(history, {"at_utc": "audit.at", "username": "audit.user", "action": "audit.action",
                           "before": "audit.before", "after": "audit.after"})
