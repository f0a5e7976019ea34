"""The initiatives' board: one column per open stage of the Łódź procedure with its count, the most
recent cards (title, osiedle, days in the stage) and those waiting too long flagged; closed stages
as counts. A card opens the initiative; "and K more" opens the list filtered to the stage."""

import streamlit as st

from dashboard.core.i18n import fmt_number, t
from dashboard.services.initiatives import views as initiative_views
from dashboard.ui import widgets as ui

CARDS_PER_COLUMN = 6
COLUMNS_PER_ROW = 4

db, actor = ui.db(), ui.actor()
pages = st.session_state["_pages"]
st.title(t("page.initiative_pipeline"))

board = initiative_views.pipeline(db, actor, per_stage=CARDS_PER_COLUMN)
counts, items, stuck_days = board["counts"], board["items"], board["stuck_days"]
open_stages = counts[~counts["closed"]]
closed_stages = counts[counts["closed"]]
total_stuck = int(open_stages["stuck"].sum())
st.caption(t("initiatives.board.intro", days=stuck_days))

m = st.columns(len(closed_stages) + 2)
m[0].metric(t("initiatives.board.open"), fmt_number(int(open_stages["count"].sum())), border=True)
m[1].metric(t("initiatives.board.stuck"), fmt_number(total_stuck), border=True,
            help=t("initiatives.board.stuck_help", days=stuck_days))
for column, stage in zip(m[2:], closed_stages.itertuples()):
    column.metric(t(f"initiative.stage.{stage.stage}"), fmt_number(int(stage.count)), border=True)
if total_stuck:
    st.page_link(pages["inicjatywy"], label=t("initiatives.board.stuck_link", count=total_stuck),
                 icon=":material/warning:", query_params={"stuck": "1"})


stuck_badge = f":red-badge[:material/warning: {t('initiative.stuck', days=stuck_days)}]"  # the same on every card


def card(item) -> None:
    """One initiative: its title, osiedle and days in the stage, and a link to its page."""
    with st.container(border=True, gap="small"):
        st.markdown(f"**{ui.escape_md(item.title)}**")
        days = t("initiatives.board.days", days=int(item.days_in_stage))
        if item.stuck:
            st.markdown(f"{stuck_badge}  \n"
                        f"{ui.escape_md(item.osiedle)} · :red[**{days}**]")
        else:
            st.caption(f"{ui.escape_md(item.osiedle)} · {days}")
        st.page_link(pages["inicjatywa"], label=t("initiatives.board.open_card", id=int(item.id)),
                     icon=":material/arrow_forward:", query_params={"id": str(item.id)})


stages = list(open_stages.itertuples())
# Each stage's cards, newest arrival first: the items split once, not filtered again for every column.
cards = {code: group.sort_values("stage_since", ascending=False) for code, group in items.groupby("stage", sort=False)}
for start in range(0, len(stages), COLUMNS_PER_ROW):
    row = stages[start:start + COLUMNS_PER_ROW]
    for column, stage in zip(st.columns(COLUMNS_PER_ROW), row):
        with column:
            header = f"**{t(f'initiative.stage.{stage.stage}')}** · {fmt_number(int(stage.count))}"
            if stage.stuck:
                header += f" · :red[:material/warning: {fmt_number(int(stage.stuck))}]"
            st.markdown(header)
            shown = cards.get(stage.stage, items.iloc[:0])
            if shown.empty:
                st.caption(t("initiatives.board.empty"))
            for item in shown.itertuples():
                card(item)
            more = int(stage.count) - len(shown)
            if more > 0:
                st.page_link(pages["inicjatywy"], label=t("initiatives.board.more", count=more),
                             icon=":material/arrow_forward:", query_params={"stage": stage.stage})
    st.divider()
