"""bench/protocol.py: a session over Streamlit's websocket protocol, against a fake server replaying
the messages a real one sends (no timing asserted)."""

from __future__ import annotations

from datetime import date

import pytest
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.protocol import ProtocolError, ProtocolSession, widget_state
from tests.unit.builders import run_coroutine

PAGES = {"": "hash-home", "recepcja": "hash-desk", "nowa-rezerwacja": "hash-new"}


def new_session(page_hash: str) -> ForwardMsg:
    msg = ForwardMsg()
    msg.new_session.page_script_hash = page_hash
    return msg


def status(running: bool) -> ForwardMsg:
    msg = ForwardMsg()
    msg.session_status_changed.script_is_running = running
    return msg


def navigation(current: str) -> ForwardMsg:
    msg = ForwardMsg()
    msg.navigation.page_script_hash = current
    for url_path, page_hash in PAGES.items():
        page = msg.navigation.app_pages.add()
        page.url_pathname, page.page_script_hash = url_path, page_hash
    return msg


def element(path: list[int], kind: str, **fields) -> ForwardMsg:
    msg = ForwardMsg()
    msg.metadata.delta_path.extend(path)
    proto = getattr(msg.delta.new_element, kind)
    for name, value in fields.items():
        if isinstance(value, list):
            getattr(proto, name).extend(value)
        else:
            setattr(proto, name, value)
    return msg


def finished(status_name: str = "FINISHED_SUCCESSFULLY") -> ForwardMsg:
    msg = ForwardMsg()
    msg.script_finished = ForwardMsg.ScriptFinishedStatus.Value(status_name)
    return msg


FORM = [
    element([0, 0], "selectbox", id="w-room", label="Sala *", options=["Sala A (do 12 os.)", "Sala B (do 30 os.)"]),
    element([0, 1], "date_input", id="w-day", label="Dzień *"),
    element([0, 2], "number_input", id="w-people", label="Osoby *"),
    element([0, 3], "checkbox", id="w-ok", label="Oświadczam *"),
    element([0, 4], "button", id="w-send", label="Zapisz", is_form_submitter=True),
]


def cached(msg: ForwardMsg, digest: str) -> tuple[ForwardMsg, ForwardMsg]:
    """The message as first sent (cacheable, with its hash) and the reference a later run gets instead."""
    msg.hash, msg.metadata.cacheable = digest, True
    ref = ForwardMsg()
    ref.ref_hash = digest
    ref.metadata.delta_path.extend(msg.metadata.delta_path)
    return msg, ref


async def fake_server(script):
    """Serve one connection: for each BackMsg received, record it and send the next reply list."""
    received: list[BackMsg] = []

    async def handler(ws):
        for replies in script:
            back = BackMsg()
            back.ParseFromString(await ws.recv())
            received.append(back)
            for reply in replies:
                await ws.send(reply.SerializeToString())

    server = await websockets.serve(handler, "127.0.0.1", 0, subprotocols=["streamlit"])
    port = server.sockets[0].getsockname()[1]
    return server, port, received


def run(replies: list[list[ForwardMsg]], session_steps):
    async def main():
        server, port, received = await fake_server(replies)
        session = ProtocolSession(f"http://127.0.0.1:{port}", cookies={"civic_auth": "token"}, timeout_s=10)
        try:
            results = await session_steps(session)
        finally:
            await session.close()
            server.close()
            await server.wait_closed()
        return session, received, results

    return run_coroutine(main())


def test_open_switch_and_submit_send_what_the_frontend_sends():
    room, room_ref = cached(element([0, 5], "markdown", body="a big chart"), "abc123")
    replies = [
        # the first run names the main script; st.navigation then says which page it drew
        [new_session("hash-main"), status(True), navigation("hash-desk"), element([0, 0], "markdown", body="desk"),
         finished(), status(False)],
        [new_session("hash-new"), status(True), navigation("hash-new"), *FORM, room, finished(), status(False)],
        # the submit: the cached element comes back by reference; the run calls st.rerun() once, and the
        # server says "not running" between the two runs
        [new_session("hash-new"), status(True), finished("FINISHED_EARLY_FOR_RERUN"), status(False),
         new_session("hash-new"), status(True), navigation("hash-new"), *FORM, room_ref,
         element([0, 6], "alert", body="Termin zajęty: …", format=1), finished(), status(False)],
    ]

    async def steps(session):
        opened = await session.open("recepcja")
        assert session.url_path == "recepcja" and session.pages == PAGES
        switched = await session.switch("nowa-rezerwacja")
        sent = await session.submit({"Sala *": "Sala B", "Dzień *": date(2027, 1, 13), "Osoby *": 3,
                                     "Oświadczam *": True}, "Zapisz")
        return opened, switched, sent

    session, received, (opened, switched, sent) = run(replies, steps)
    first, switch, submit = (msg.rerun_script for msg in received)
    assert first.page_name == "recepcja" and first.page_script_hash == ""
    assert first.context_info.timezone == "Europe/Warsaw" and first.context_info.locale == "pl-PL"
    assert switch.page_script_hash == "hash-new" and switch.page_name == "" and not switch.widget_states.widgets
    assert list(submit.cached_message_hashes) == ["abc123"]
    states = {w.id: w for w in submit.widget_states.widgets}
    assert states["w-room"].string_value == "Sala B (do 30 os.)"
    assert list(states["w-day"].string_array_value.data) == ["2027-01-13"]
    assert states["w-people"].int_value == 3
    assert states["w-ok"].bool_value is True
    assert states["w-send"].trigger_value is True
    assert submit.page_script_hash == "hash-new"
    assert (opened.runs, switched.runs, sent.runs) == (1, 1, 2) and sent.status == "FINISHED_SUCCESSFULLY"
    assert session.references == 1 and session.drawn("markdown")[-1].body == "a big chart"  # resolved from the cache
    assert session.errors() == ["Termin zajęty: …"]


def test_auto_rerun_fragments_are_due_after_their_interval_and_cleared_by_a_page_switch():
    session = ProtocolSession("http://unused")
    msg = ForwardMsg()
    msg.auto_rerun.interval, msg.auto_rerun.fragment_id = 30.0, "frag-1"
    session.handle(msg)
    _, announced = session.auto_reruns["frag-1"]
    assert session.due_fragments(announced + 29) == [] and session.due_fragments(announced + 30) == ["frag-1"]
    stop = ForwardMsg()
    stop.stop_auto_rerun.fragment_ids.append("frag-1")
    session.handle(stop)
    assert session.auto_reruns == {}


def test_a_full_run_forgets_the_last_page_a_block_replaces_what_was_under_it():
    session = ProtocolSession("http://unused")
    for msg in (new_session("hash-desk"), element([0, 0], "markdown", body="old"),
                element([0, 1, 0], "markdown", body="inside")):
        session.handle(msg)
    block = ForwardMsg()
    block.metadata.delta_path.extend([0, 1])
    block.delta.add_block.SetInParent()
    session.handle(block)
    assert [m.body for m in session.drawn("markdown")] == ["old"]
    session.handle(new_session("hash-new"))
    assert session.elements == {}


def test_a_value_the_widget_cannot_hold_is_refused():
    with pytest.raises(ProtocolError, match="no option"):
        widget_state(FORM[0].delta.new_element, "Sala C")
    session = ProtocolSession("http://unused")
    with pytest.raises(ProtocolError, match="no widget labelled"):
        session.widget("Sala *")


def test_a_closed_connection_fails_the_waiting_request():
    replies = [[new_session("hash-desk"), status(True)]]  # then the server goes away mid-run

    async def steps(session):
        with pytest.raises(ProtocolError, match="closed"):
            await session.open("recepcja")

    run(replies, steps)
