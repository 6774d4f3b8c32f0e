"""What the browser showed when the user changed a widget, so that a change is read as the
user made it even when clicks come faster than the page redraws.

A multi-choice widget (the Code page's pills) sends its whole new value, and the server must
work out what the click changed. Comparing with the value last drawn is wrong whenever the
browser has not received that drawing yet: another session's write, or the page's own
previous click, may have changed it in between, and the difference would then remove codes
the user never saw. So every run is numbered, the values drawn in it are remembered, and a
hidden field at the very end of the page carries the run's number to the browser, which sends
it back with every change: the number of the last run the browser received whole. A change is
read against the value drawn in that run, or against the browser's own earlier change if it
sent one since.

Call :func:`begin` at the top of the page, :func:`draw` for each widget value set (and
:func:`redrawn` when a fragment redraws one), and :func:`end` as the page's last element.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

RUN_KEY = "shown-run"
SEEN_KEY = "shown-seen"
DRAWN_KEY = "shown-drawn"
SENT_KEY = "shown-sent"
MARKER_KEY = "shown-marker"
# Runs remembered; a browser more runs behind than this reads against the latest drawing.
KEEP_RUNS = 50


def begin() -> None:
    """Number this run of the page."""
    run = st.session_state.get(RUN_KEY, 0) + 1
    st.session_state[RUN_KEY] = run
    drawn = st.session_state.setdefault(DRAWN_KEY, {})
    drawn[run] = {}
    for old in [number for number in drawn if number <= run - KEEP_RUNS]:
        del drawn[old]


def draw(key: str, value: Any) -> None:
    """Remember that this run draws widget ``key`` with ``value``."""
    st.session_state[DRAWN_KEY][st.session_state[RUN_KEY]][key] = value


def redrawn(key: str, value: Any) -> None:
    """A fragment redrew widget ``key`` with ``value`` (a run of part of the page, which is
    not numbered): the browser's next change of it is read against this value."""
    st.session_state.setdefault(SENT_KEY, {})[key] = (_seen(), value)


def _seen() -> int | None:
    try:
        return int(st.session_state.get(SEEN_KEY))
    except (TypeError, ValueError):
        return None


def _latest(key: str) -> Any:
    drawn = st.session_state.get(DRAWN_KEY, {})
    for run in sorted(drawn, reverse=True):
        if key in drawn[run]:
            return drawn[run][key]
    return None


def before_change(key: str) -> Any:
    """In ``key``'s change callback: the value the browser showed before this change (the
    value drawn in the last run it received whole, or its own previous change since then).
    Records the new value as the browser's latest.

    A run the browser received in part (stopped by the next click before its end, so before
    the hidden field) may have redrawn the widget already. So when the usual base differs from
    the new value in more than one choice, which one click never does, the values drawn in
    later runs are tried too: a new value equal to one of them changed nothing (the browser
    sends it back), one that differs by a single choice from one of them is read against it."""
    seen = _seen()
    sent = st.session_state.setdefault(SENT_KEY, {})
    drawn = st.session_state.get(DRAWN_KEY, {})
    chosen = st.session_state.get(key)
    if seen is not None and sent.get(key, (None, None))[0] == seen:
        base = sent[key][1]
    elif seen in drawn and key in drawn[seen]:
        base = drawn[seen][key]
    else:
        base = _latest(key)
    sent[key] = (seen, chosen)
    if seen is not None and _distance(base, chosen) > 1:
        later = [
            drawn[run][key]
            for run in sorted(drawn, reverse=True)
            if run > seen and key in drawn[run]
        ]
        if any(_distance(value, chosen) == 0 for value in later):
            return chosen
        near = next((value for value in later if _distance(value, chosen) == 1), None)
        if near is not None:
            return near
    return base


def _distance(one: Any, other: Any) -> int:
    """How many choices two values of a multi-choice widget differ in."""
    return len(set(one or []) ^ set(other or []))


def end() -> None:
    """The hidden field that tells the server which run the browser has received whole."""
    st.session_state[SEEN_KEY] = str(st.session_state[RUN_KEY])
    st.html(f"<style>.st-key-{MARKER_KEY} {{ display: none; }}</style>")
    with st.container(key=MARKER_KEY):
        st.text_input("Page drawn", key=SEEN_KEY, label_visibility="collapsed")
