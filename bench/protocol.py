"""A Streamlit session without a browser: the app's own websocket protocol, spoken from Python.

bench/load.py runs most of its concurrent sessions through this module, so that ten sessions on a
2-core machine measure the app rather than ten chromium renderers drawing Vega charts.

What a browser does and this does the same way (read from the installed streamlit 1.67: the
starlette websocket handler ``web/server/starlette/starlette_websocket.py``, ``runtime/app_session.py``,
``runtime/forward_msg_cache.py``, the ``proto/*.proto`` messages and the frontend's ``sendRerunBackMsg``):

- one websocket to ``<base>/_stcore/stream`` (subprotocol ``streamlit``), one server session per
  connection, cookies sent in the handshake's ``Cookie`` header (the app reads ``st.context.cookies``);
- every frame the server sends is one serialised ``ForwardMsg``; every request is one ``BackMsg``
  with ``rerun_script`` (a ``ClientState``): the first names the page by its URL path
  (``page_name``), a page switch by its ``page_script_hash`` (learnt from the ``navigation`` message
  each full run sends), with the query string, context info (time zone, locale, URL) and widget states;
- a form is submitted as the frontend submits it: the values of its widgets (``WidgetState`` by the
  widget's id, in the value field its serde expects) plus ``trigger_value`` on the submit button;
- the message cache: a ``cacheable`` message is kept by its hash and the hashes are sent back with
  each rerun (``cached_message_hashes``), so the server answers with ``ref_hash`` references as it
  does to a browser; a reference is resolved from the cache;
- ``auto_rerun`` (a fragment's ``run_every``) is kept, and due reruns of it are sent on request
  (``due_fragments``/``rerun``) as the frontend's interval timer would; ``stop_auto_rerun`` and a
  page switch clear them, as the frontend does.

A run is finished when the server reports ``session_status_changed`` with ``script_is_running``
false after the request's run has started (a ``new_session`` or a running status since the send):
the state the browser shows as ``data-test-script-state="notRunning"``. A run that calls
``st.rerun()`` (the login) is finished when the run it asked for is: the server reports "not running"
between the two, after ``script_finished`` ``FINISHED_EARLY_FOR_RERUN``, which is not the end.
The current page is the one the last ``navigation`` message names (``st.navigation``'s choice), as
the frontend takes it; a rerun of the same page (a form's submit) names it by that hash.

What it does not do: draw anything (no React, no Vega, no Arrow decoding: the messages are parsed by
protobuf only), run custom components' JavaScript (this app's two report nothing back), send the
sidebar widgets' unchanged values on a page switch (the browser sends the language switch's value,
equal to its default here), fetch media or static files, or send heartbeats.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

ROUTE = "/_stcore/stream"
MAIN, SIDEBAR = 0, 1  # the first index of a delta path: the main area or the sidebar
WIDGETS = ("text_input", "text_area", "selectbox", "date_input", "number_input", "checkbox", "button", "radio",
           "multiselect", "button_group", "time_input")


class ProtocolError(RuntimeError):
    """The server closed the connection, or a run did not finish in time."""


@dataclass
class Run:
    """One request's run, as the session saw it."""

    seconds: float
    status: str  # the last ScriptFinishedStatus name
    runs: int  # script runs between the request and idle (2 when the script called st.rerun())


@dataclass
class _Waiter:
    future: asyncio.Future
    started: bool = False
    runs: int = 0
    status: str = ""


@dataclass
class ProtocolSession:
    """One app session over the websocket protocol; use ``open``, then ``rerun``/``switch``/``submit``."""

    base_url: str
    cookies: dict[str, str] = field(default_factory=dict)
    timezone: str = "Europe/Warsaw"
    timezone_offset: int = -60  # minutes, JavaScript's sign (west positive); the generator's clock decides
    locale: str = "pl-PL"
    timeout_s: float = 60.0

    def __post_init__(self) -> None:
        self.pages: dict[str, str] = {}  # url_path -> page_script_hash (the default page under "")
        self.page_hash = ""
        self.elements: dict[tuple[int, ...], Element] = {}  # what the last run drew, by delta path
        self.auto_reruns: dict[str, tuple[float, float]] = {}  # fragment id -> (interval s, last fired)
        self.received = 0  # frames
        self.received_bytes = 0
        self.references = 0  # frames answered by a cached message's hash
        self.page_not_found = False
        self._cache: dict[str, ForwardMsg] = {}
        self._waiter: _Waiter | None = None
        self._ws = None
        self._reader: asyncio.Task | None = None
        self._closed: BaseException | None = None
        self._url_path = ""

    # -- the connection ---------------------------------------------------------------------------------
    async def open(self, url_path: str = "") -> Run:
        """Connect and run the page at ``url_path`` as a browser opening that address does."""
        import websockets

        parts = urlsplit(self.base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else None
        self._ws = await websockets.connect(f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}{ROUTE}",
                                            subprotocols=["streamlit"], additional_headers=headers,
                                            max_size=None, open_timeout=self.timeout_s, ping_interval=None)
        self._reader = asyncio.create_task(self._read())
        self._url_path = url_path
        return await self.rerun(page_name=url_path)

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            try:
                await self._reader
            except (asyncio.CancelledError, Exception):  # closing: whatever it ended with
                pass

    # -- requests ---------------------------------------------------------------------------------------
    def rerun_message(self, *, page_hash: str = "", page_name: str = "", widgets: Iterable[WidgetState] = (),
                      fragment_id: str = "", auto: bool = False, query_string: str = "") -> BackMsg:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = query_string
        state.page_script_hash = page_hash
        state.page_name = page_name
        state.fragment_id = fragment_id
        state.is_auto_rerun = auto
        state.widget_states.widgets.extend(widgets)
        state.cached_message_hashes.extend(self._cache)
        info = state.context_info
        info.timezone, info.timezone_offset, info.locale = self.timezone, self.timezone_offset, self.locale
        info.url = f"{self.base_url.rstrip('/')}/{page_name or self._url_path}"
        info.is_embedded, info.color_scheme = False, "light"
        return msg

    async def rerun(self, **request) -> Run:
        """Send one rerun request (``rerun_message``'s arguments) and wait until the app is idle again."""
        if self._closed is not None:
            raise ProtocolError(f"connection closed: {self._closed!r}")
        if self._waiter is not None:
            raise ProtocolError("a request is already running in this session")
        data = self.rerun_message(**request).SerializeToString()
        waiter = _Waiter(asyncio.get_running_loop().create_future())
        self._waiter = waiter
        began = time.perf_counter()
        try:
            await self._ws.send(data)
            await asyncio.wait_for(asyncio.shield(waiter.future), self.timeout_s)
        except TimeoutError as exc:
            raise ProtocolError(f"no finished run within {self.timeout_s:g} s") from exc
        finally:
            self._waiter = None
        return Run(waiter.future.result() - began, waiter.status, waiter.runs)

    async def switch(self, url_path: str) -> Run:
        """A click on a page link: the page's script hash, the sidebar's widgets left as they are."""
        if url_path not in self.pages:
            raise ProtocolError(f"no page {url_path!r} in the navigation ({sorted(self.pages)})")
        self.auto_reruns.clear()  # the frontend clears its auto-rerun timers on a page change
        self._url_path = url_path
        return await self.rerun(page_hash=self.pages[url_path])

    async def submit(self, values: dict[str, object], button: str) -> Run:
        """Submit a form of the current page: ``values`` by widget label (see ``widget_state``), then a
        trigger on the submit button labelled ``button``."""
        states = [widget_state(self.widget(label), value) for label, value in values.items()]
        states.append(widget_state(self.widget(button), True))
        return await self.rerun(page_hash=self.page_hash, widgets=states)

    def due_fragments(self, now: float | None = None) -> list[str]:
        """Fragments whose ``run_every`` interval has passed since they last ran (or were announced)."""
        now = time.monotonic() if now is None else now
        return [fid for fid, (interval, last) in self.auto_reruns.items() if now - last >= interval]

    async def rerun_fragment(self, fragment_id: str) -> Run:
        interval, _ = self.auto_reruns[fragment_id]
        self.auto_reruns[fragment_id] = (interval, time.monotonic())
        return await self.rerun(page_hash=self.page_hash, fragment_id=fragment_id, auto=True)

    # -- what the page shows ----------------------------------------------------------------------------
    @property
    def url_path(self) -> str | None:
        """The URL path of the page the last run drew (the default page's is ""), None if unknown."""
        return next((path for path, page_hash in self.pages.items() if page_hash == self.page_hash), None)

    def drawn(self, kind: str, area: int | None = None) -> list:
        """The elements of one kind (``"alert"``, ``"exception"``…) the last run drew, in order."""
        return [getattr(element, kind) for path, element in sorted(self.elements.items())
                if element.WhichOneof("type") == kind and (area is None or path[:1] == (area,))]

    def widget(self, label: str) -> Element:
        """The widget element with this label (the first, in drawing order)."""
        for _, element in sorted(self.elements.items()):
            kind = element.WhichOneof("type")
            if kind in WIDGETS and getattr(element, kind).label == label:
                return element
        labels = sorted({getattr(e, e.WhichOneof("type")).label for e in self.elements.values()
                         if e.WhichOneof("type") in WIDGETS})
        raise ProtocolError(f"no widget labelled {label!r} on the page (labels: {labels})")

    def errors(self) -> list[str]:
        """First lines of the exceptions and error boxes drawn, as bench.load counts them in a browser."""
        shown = [f"{e.type}: {e.message}".splitlines()[0][:200] for e in self.drawn("exception")]
        shown += [(a.body.strip().splitlines() or [""])[0][:200] for a in self.drawn("alert")
                  if a.format == a.Format.ERROR]
        return shown

    # -- the reader -------------------------------------------------------------------------------------
    async def _read(self) -> None:
        try:
            async for data in self._ws:
                self.received += 1
                self.received_bytes += len(data)
                msg = ForwardMsg()
                msg.ParseFromString(data)
                self.handle(msg)
        except Exception as exc:  # kept for the waiting request to raise
            self._closed = exc
        else:
            self._closed = ConnectionError("the server closed the websocket")
        if self._waiter is not None and not self._waiter.future.done():
            self._waiter.future.set_exception(ProtocolError(f"connection closed: {self._closed!r}"))

    def handle(self, msg: ForwardMsg) -> None:
        """Apply one ForwardMsg to the session's picture of the page (public so that a test can feed it)."""
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            cached = self._cache.get(msg.ref_hash)
            if cached is None:
                raise ProtocolError(f"reference to a message never received: {msg.ref_hash}")
            self.references += 1
            resolved = ForwardMsg()
            resolved.CopyFrom(cached)
            resolved.metadata.CopyFrom(msg.metadata)
            msg, kind = resolved, resolved.WhichOneof("type")
        elif msg.metadata.cacheable and msg.hash:
            self._cache[msg.hash] = msg
        waiter = self._waiter
        if kind == "new_session":
            if not msg.metadata.run.fragment_ids:
                self.elements.clear()  # a full run draws the whole page again
            if waiter:
                waiter.started, waiter.runs = True, waiter.runs + 1
        elif kind == "delta":
            path = tuple(msg.metadata.delta_path)
            delta = msg.delta.WhichOneof("type")
            if delta == "new_element":
                self.elements[path] = msg.delta.new_element
            elif delta == "add_block":  # a block replaces whatever was drawn at and under its path
                for old in [p for p in self.elements if p[:len(path)] == path]:
                    del self.elements[old]
        elif kind == "navigation":
            self.pages = {page.url_pathname: page.page_script_hash for page in msg.navigation.app_pages}
            self.page_hash = msg.navigation.page_script_hash  # the page st.navigation chose (the frontend's too)
        elif kind == "auto_rerun":
            if self.auto_reruns.get(msg.auto_rerun.fragment_id, (None,))[0] != msg.auto_rerun.interval:
                self.auto_reruns[msg.auto_rerun.fragment_id] = (msg.auto_rerun.interval, time.monotonic())
        elif kind == "stop_auto_rerun":
            for fid in msg.stop_auto_rerun.fragment_ids:
                self.auto_reruns.pop(fid, None)
        elif kind == "page_not_found":
            self.page_not_found = True
        elif kind == "script_finished" and waiter:
            waiter.status = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
        elif kind == "session_status_changed" and waiter:
            if msg.session_status_changed.script_is_running:
                waiter.started = True
            elif waiter.started and waiter.status != "FINISHED_EARLY_FOR_RERUN" and not waiter.future.done():
                # (a run stopped for a rerun reports "not running" too, and the next run follows at once)
                waiter.future.set_result(time.perf_counter())


def widget_state(element: Element, value: object) -> WidgetState:
    """The state the frontend sends for ``element`` holding ``value``: a select box's option by its shown
    text (the first option starting with ``value``), a date as ISO text, a number as int or double as the
    widget's type says, a text as text, a check box as bool, a (submit) button's click as a trigger."""
    kind = element.WhichOneof("type")
    proto = getattr(element, kind)
    state = WidgetState(id=proto.id)
    if kind == "selectbox":
        option = next((o for o in proto.options if o.startswith(str(value))), None)
        if option is None:
            raise ProtocolError(f"{proto.label!r} has no option starting with {value!r}")
        state.string_value = option
    elif kind == "date_input":
        state.string_array_value.data.extend([value.isoformat() if isinstance(value, date) else str(value)])
    elif kind == "number_input":
        if proto.data_type == proto.DataType.INT:
            state.int_value = int(value)
        else:
            state.double_value = float(value)
    elif kind in ("text_input", "text_area"):
        state.string_value = str(value)
    elif kind == "checkbox":
        state.bool_value = bool(value)
    elif kind == "button":
        state.trigger_value = bool(value)
    else:
        raise ProtocolError(f"widget kind {kind} is not supported here")
    return state
