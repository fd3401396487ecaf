"""Streaming places: counted while a client sends, freed while it stalls, never flooded by a long wait."""

from __future__ import annotations

from server.services.cases.admission import Admission


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_uploads_that_keep_sending_keep_their_places_however_long_the_others_wait():
    clock = Clock()
    admission = Admission(2, stall_seconds=5.0, clock=clock)
    holders = [admission.enter(timeout=0), admission.enter(timeout=0)]
    assert None not in holders
    for _ in range(10):  # a minute of a burst: the holders' bytes keep arriving
        clock.now += 6.0
        for token in holders:
            admission.progressed(token)
        assert admission.enter(timeout=0) is None, "a long wait must not let a third upload stream beside them"
    assert admission.sending() == 2


def test_a_holder_that_sent_nothing_for_the_stall_time_frees_its_place_until_it_sends_again():
    clock = Clock()
    admission = Admission(2, stall_seconds=5.0, clock=clock)
    sending, stalled = admission.enter(timeout=0), admission.enter(timeout=0)
    clock.now += 4.0
    admission.progressed(sending)
    assert admission.enter(timeout=0) is None
    clock.now += 1.5  # the stalled one has now sent nothing for 5.5 s
    admission.progressed(sending)
    third = admission.enter(timeout=0)
    assert third is not None and admission.sending() == 2
    admission.progressed(stalled)  # its bytes arrive again: it counts, over the limit for a while
    assert admission.sending() == 3 and admission.enter(timeout=0) is None
    for token in (sending, stalled, third):
        admission.leave(token)
    assert admission.sending() == 0 and admission.enter(timeout=0) is not None
