"""Run one function over many items on every core; results come back in input order.

Worker processes are forked, so they inherit the build's state (the site, the Jinja
environment, link tables) instead of receiving it pickled; only the results travel
back. The output never depends on which worker did what: each item's result depends
on the item alone, and results are put back in input order.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future
    from multiprocessing.context import BaseContext

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS_PER_WORKER = 64
"""Below this many items per worker, starting workers costs more than it saves."""
CHUNKS_PER_WORKER = 4
"""Work is cut into this many chunks per worker, so a slow chunk does not idle a core."""

Progress = Callable[[str, int], Callable[[int], object]]
"""progress(stage, total) → advance(done): how long work shows how far it is."""


def no_progress(stage: str, total: int) -> Callable[[int], object]:
    """Show nothing."""
    return lambda done: None


_work: tuple[Callable[[Any], Any], Sequence[Any]] | None = None
"""The function and items of the running map, inherited by the forked workers."""


def available_cores() -> int:
    """Return the number of cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def map_in_order(
    func: Callable[[T], R],
    items: Sequence[T],
    jobs: int,
    advance: Callable[[int], object] = lambda done: None,
) -> list[R]:
    """Return [func(item) for item in items], computed by up to jobs processes.

    One process (no pool) when jobs is 1, when there are too few items to be worth
    it, or where processes cannot be forked. advance is called with the number of
    items done each time a chunk of them is.
    """
    results: list[R] = []
    for part in map_in_chunks(func, items, jobs):
        results += part
        advance(len(part))
    return results


def map_in_chunks(
    func: Callable[[T], R],
    items: Sequence[T],
    jobs: int,
    most: int = 0,
    fewest: int = MIN_ITEMS_PER_WORKER,
) -> Iterator[list[R]]:
    """Yield [func(item) for item in items] in consecutive chunks, in input order, as
    each is done, so that the caller can use the first results while the rest are made.

    The calling process does its share: with jobs processes, jobs - 1 are forked (when
    the first chunk is asked for) and this one takes a chunk whenever the workers have
    enough queued. A forked worker soon holds a private copy of most of what it
    inherited (CPython writes reference counts), so one worker fewer is that much
    less memory. most: the largest chunk (0: as CHUNKS_PER_WORKER says). fewest: the
    fewest items that are worth a worker (fewer for items that take long).
    """
    workers = min(jobs, len(items) // fewest)
    chunks = _chunks(len(items), max(workers, 1) * CHUNKS_PER_WORKER, most)
    global _work
    _work = (func, items)
    try:
        context = _fork_context() if workers > 1 else None
        if context is not None:
            yield from _shared_with_workers(chunks, context, workers - 1)
        else:
            yield from map(_run_chunk, chunks)
    finally:
        _work = None


def _fork_context() -> BaseContext | None:
    """Return the context that forks workers; None where processes cannot be forked."""
    import multiprocessing  # only where a pool may be started: 6 ms of a build

    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    return multiprocessing.get_context("fork")


def _shared_with_workers(
    chunks: list[tuple[int, int]], context: BaseContext, forked: int
) -> Iterator[list[Any]]:
    """Yield each chunk's results in order, made by forked workers or by this process."""
    done: dict[int, list[Any]] = {}
    queued: dict[int, Future[list[Any]]] = {}
    taken = 0  # chunks handed out so far, to the workers or to this process

    from concurrent.futures import ProcessPoolExecutor  # loads multiprocessing: only here

    def ready(index: int) -> bool:
        return index in done or (index in queued and queued[index].done())

    # Objects the workers inherit stay out of their garbage collector, which would
    # otherwise write to every one and so copy all of their memory.
    gc.freeze()
    try:
        with ProcessPoolExecutor(
            forked, mp_context=context, initializer=_start_worker, initargs=(os.getpid(),)
        ) as pool:
            for index in range(len(chunks)):
                while not ready(index):
                    while taken < len(chunks) and _waiting(queued) < QUEUED_PER_WORKER * forked:
                        queued[taken] = pool.submit(_run_chunk, chunks[taken])
                        taken += 1
                    if taken < len(chunks):
                        done[taken] = _run_chunk(chunks[taken])
                        taken += 1
                    else:  # every chunk is handed out: this one is a worker's
                        queued[index].result()
                yield done.pop(index) if index in done else queued.pop(index).result()
    finally:
        gc.unfreeze()


PR_SET_PDEATHSIG = 1
"""prctl(2): the signal a process gets when the thread that forked it ends."""


def _start_worker(build_pid: int) -> None:
    """Make a forked worker die with the build, and collect its own garbage (the build
    pauses the collector)."""
    _die_with(build_pid)
    gc.enable()


def _die_with(build_pid: int) -> None:
    """End this worker as soon as the build that forked it ends, however it ends.

    A worker of a killed build would otherwise wait for work for ever (it holds the
    writing end of its own task pipe), and with it what it inherited: the build lock,
    so that every later build into that output waited for it. Linux only: elsewhere a
    killed build's workers wait until they are ended by hand.
    """
    if sys.platform.startswith("linux"):
        import ctypes  # only in forked workers

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != build_pid:  # the build ended before prctl took effect
        os._exit(1)


def _waiting(queued: dict[int, Future[list[Any]]]) -> int:
    return sum(not future.done() for future in queued.values())


QUEUED_PER_WORKER = 2
"""Chunks waiting for each worker: enough that none waits while this process works."""


def _chunks(count: int, pieces: int, most: int = 0) -> list[tuple[int, int]]:
    size = max(1, -(-count // pieces))
    size = min(size, most) if most else size
    return [(start, min(start + size, count)) for start in range(0, count, size)]


def _run_chunk(bounds: tuple[int, int]) -> list[Any]:
    assert _work is not None  # set by map_in_order before the fork
    func, items = _work
    return [func(items[i]) for i in range(*bounds)]
