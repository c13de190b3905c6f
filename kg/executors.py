"""Where per-article work runs: in this process, in a pool of forked processes, or on a Dask
distributed cluster.

:func:`map_ordered` is the entry point (:func:`map_batches` for work done several items at
once). It picks an executor from a registry keyed on the scheme of the scheduler address (none:
this machine; ``tcp://``, ``tls://``, ``ws://``, ``wss://``: a Dask scheduler), and yields
``func(item)`` for every item **in input order**, with a progress bar. Whatever runs the work,
the caller sees the same sequence of results.

Work sent to a cluster is pickled: ``func`` must be a module-level function of an installed
package (workers import it by name) and items and results plain picklable data. The Dask
executor needs the ``[cluster]`` extra (``pip install 'mkg[cluster]'``) on this machine and on
every worker.

>>> list(map_ordered(len, ["a", "bb", "ccc"]))
[1, 2, 3]
>>> executor_for("tcp://10.0.0.5:8786").__name__
'_dask'
>>> executor_for("ftp://x")
Traceback (most recent call last):
...
kg.executors.SchedulerError: ftp://x: unknown scheduler scheme 'ftp' (known: tcp, tls, ws, wss)
"""

from __future__ import annotations

import multiprocessing as mp
import socket
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import CancelledError
from contextlib import closing
from typing import Any, TypeVar
from urllib.parse import urlsplit

from tqdm import tqdm

T = TypeVar("T")
R = TypeVar("R")

#: seconds allowed to reach a scheduler before the build stops with a one-line error
CONNECT_SECONDS = 10.0
#: a fork pool is only worth starting for this many items or more
POOL_MIN_ITEMS = 50
#: tasks (of 8 items) a forked worker runs before a fresh one replaces it: a worker copies the
#: pages of the models it touches, so a long-lived one grows (whole corpus: peak 978 -> 839 MB)
WORKER_TASKS = 40
#: items per task sent to a cluster (fewer, larger tasks: less scheduler overhead)
CLUSTER_BATCH = 16
#: tasks in flight per cluster thread (bounds memory: results are not all held at once)
CLUSTER_WINDOW = 4

Executor = Callable[[Callable[[Any], Any], Sequence[Any], str | None, int], Iterator[Any]]
EXECUTORS: dict[str, Executor] = {}


class SchedulerError(RuntimeError):
    """The scheduler address is wrong, the scheduler cannot be reached, or its workers differ."""


def register_executor(*schemes: str) -> Callable[[Executor], Executor]:
    """Make the decorated executor the one for scheduler addresses with these URL schemes
    (``""``: no scheduler, this machine)."""
    def add(executor: Executor) -> Executor:
        for scheme in schemes:
            EXECUTORS[scheme] = executor
        return executor
    return add


def scheme_of(scheduler: str | None) -> str:
    """The URL scheme of a scheduler address; a bare ``HOST:PORT`` is ``tcp``.

    >>> scheme_of(None), scheme_of("10.0.0.5:8786"), scheme_of("TLS://host:8786")
    ('', 'tcp', 'tls')
    """
    if not scheduler:
        return ""
    return scheduler.split("://", 1)[0].lower() if "://" in scheduler else "tcp"


def executor_for(scheduler: str | None) -> Executor:
    """The executor registered for the scheme of ``scheduler``."""
    scheme = scheme_of(scheduler)
    if scheme not in EXECUTORS:
        known = ", ".join(sorted(s for s in EXECUTORS if s))
        raise SchedulerError(f"{scheduler}: unknown scheduler scheme {scheme!r} (known: {known})")
    return EXECUTORS[scheme]


def map_ordered(func: Callable[[T], R], items: Sequence[T], scheduler: str | None = None,
                jobs: int = 1, progress: bool = False, desc: str = "working",
                unit: str = " item") -> Iterator[R]:
    """``func(item)`` for each of ``items``, in input order, run where ``scheduler`` says
    (``None``: here, in ``jobs`` forked processes when there is enough work)."""
    executor = executor_for(scheduler)
    yield from _with_progress(executor(func, items, scheduler, jobs), len(items), desc, unit,
                              progress)


def map_batches(func: Callable[[list[T]], list[R]], items: Sequence[T], batch: int,
                scheduler: str | None = None, jobs: int = 1, progress: bool = False,
                desc: str = "working", unit: str = " item") -> Iterator[R]:
    """:func:`map_ordered` for a ``func`` that takes ``batch`` items at once and gives their
    results in order (a fork pool's task is one batch; progress counts items).

    >>> list(map_batches(lambda words: [w.upper() for w in words], ["a", "b", "c"], 2))
    ['A', 'B', 'C']
    """
    groups = [list(items[i:i + batch]) for i in range(0, len(items), batch)]
    if scheduler:
        results: Iterator[list[R]] = executor_for(scheduler)(func, groups, scheduler, jobs)
    elif forks(len(items), jobs):
        results = _PoolResults(func, groups, jobs, per_task=1)
    else:
        results = (func(group) for group in groups)
    with tqdm(total=len(items), desc=desc, unit=unit, disable=not progress) as bar, \
            closing(results):
        for out in results:
            bar.update(len(out))
            yield from out


def forks(n_items: int, jobs: int, scheduler: str | None = None) -> bool:
    """Whether :func:`map_ordered` runs ``n_items`` in forked processes of this machine (what
    is loaded before then is shared with them).

    >>> forks(3000, 2), forks(48, 2), forks(3000, 1), forks(3000, 2, "tcp://10.0.0.5:8786")
    (True, False, False, False)
    """
    return not scheduler and jobs > 1 and n_items >= POOL_MIN_ITEMS


@register_executor("")
def _local(func: Callable[[T], R], items: Sequence[T], scheduler: str | None,
           jobs: int) -> Iterator[R]:
    """In this process, or in ``jobs`` forked processes for :data:`POOL_MIN_ITEMS` or more."""
    if not forks(len(items), jobs):
        yield from map(func, items)
        return
    with closing(_PoolResults(func, items, jobs)) as results:
        yield from results


def chunk_size(n_items: int, processes: int) -> int:
    """Items per task of a fork pool: 8 (fewer round trips), unless that would leave fewer than
    four tasks a process (ten files read by two processes: eight and two).

    >>> chunk_size(3000, 2), chunk_size(60, 2), chunk_size(10, 2)
    (8, 7, 1)
    """
    return max(1, min(8, n_items // (4 * processes)))


class _PoolResults:
    """``func`` over ``items`` in a pool of ``processes`` forked processes, started when made
    (the tasks are queued at once, ``per_task`` items a task, by default :func:`chunk_size`);
    iterated, the results in input order, counted on ``bar``. :meth:`close` (also at the end)
    waits for the queued work and ends the pool."""

    def __init__(self, func: Callable[[T], R], items: Sequence[T], processes: int,
                 bar: tqdm | None = None, per_task: int | None = None) -> None:
        self._pool = mp.get_context("fork").Pool(processes, maxtasksperchild=WORKER_TASKS)
        chunk = per_task or chunk_size(len(items), processes)
        self._results = self._pool.imap(func, items, chunksize=chunk)
        self._bar = bar

    def __iter__(self) -> Iterator[R]:
        return self

    def __next__(self) -> R:
        try:
            result = next(self._results)
        except StopIteration:
            self.close()
            raise
        if self._bar is not None:
            self._bar.update()
        return result

    def close(self) -> None:
        self._pool.close()
        self._pool.join()
        if self._bar is not None:
            self._bar.close()


def start_map(func: Callable[[T], R], items: Sequence[T], scheduler: str | None = None,
              jobs: int = 1, progress: bool = False, desc: str = "working",
              unit: str = " item", min_items: int | None = None) -> Iterator[R]:
    """:func:`map_ordered`, with the work started now when it runs in forked processes (with
    ``jobs`` > 1, for ``min_items`` items or more, by default :data:`POOL_MIN_ITEMS`): beside
    whatever the caller does next; iterating yields the results in input order (close the
    iterator to end the pool early). Less work, or work on a cluster, runs as it is iterated:
    forking a big process costs more than a little work saves (its pages are copied as it goes
    on writing them while the child lives).

    >>> results = start_map(len, ["a", "bb", "ccc"] * 20, jobs=2)
    >>> with closing(results):
    ...     list(results)[:3]
    [1, 2, 3]
    """
    if scheduler or jobs < 2 or len(items) < (POOL_MIN_ITEMS if min_items is None else min_items):
        return map_ordered(func, items, scheduler, jobs, progress, desc, unit)
    bar = tqdm(total=len(items), desc=desc, unit=unit, disable=not progress)
    return _PoolResults(func, items, jobs, bar)


def start_beside(func: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
    """``func`` over ``items`` in one forked process, started now; iterating yields the
    results in input order. For a little work that would first load a model here while this
    process has other work to do: the other process loads it meanwhile.

    >>> results = start_beside(len, ["a", "bb"])
    >>> with closing(results):
    ...     list(results)
    [1, 2]
    """
    return _PoolResults(func, items, 1)


def start_in_thread(func: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
    """``func`` over ``items`` in one thread of this process, started now; iterating waits for
    all the results and yields them in input order (close the iterator to wait without them).
    For work that spends its time outside the GIL (numpy's matrix products) while this thread
    runs Python: no process is forked, so no page of a big process is copied.

    >>> results = start_in_thread(len, ["a", "bb"])
    >>> with closing(results):
    ...     list(results)
    [1, 2]
    """
    return _ThreadResults(func, items)


class _ThreadResults:
    """:func:`start_in_thread`'s results: an error in the thread is raised when they are read."""

    def __init__(self, func: Callable[[T], R], items: Sequence[T]) -> None:
        self._results: list[R] = []
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(func, items), daemon=True)
        self._thread.start()

    def _run(self, func: Callable[[T], R], items: Sequence[T]) -> None:
        try:
            self._results.extend(map(func, items))
        except BaseException as exc:  # noqa: BLE001 - raised in the thread that reads them
            self._error = exc

    def __iter__(self) -> Iterator[R]:
        self.close()
        if self._error is not None:
            raise self._error
        return iter(self._results)

    def close(self) -> None:
        self._thread.join()


def _with_progress(results: Iterator[R], total: int, desc: str, unit: str,
                   progress: bool) -> Iterator[R]:
    with tqdm(total=total, desc=desc, unit=unit, disable=not progress) as bar, \
            closing(results):
        for result in results:
            bar.update()
            yield result


@register_executor("tcp", "tls", "ws", "wss")
def _dask(func: Callable[[T], R], items: Sequence[T], scheduler: str | None,
          jobs: int) -> Iterator[R]:
    """On the workers of the Dask scheduler at ``scheduler``, :data:`CLUSTER_BATCH` items a
    task, at most :data:`CLUSTER_WINDOW` tasks per worker thread in flight."""
    if not items:
        return
    from distributed import KilledWorker

    client = connect(scheduler or "")
    try:
        threads = max(1, sum(client.nthreads().values()))
        batches = (items[i:i + CLUSTER_BATCH] for i in range(0, len(items), CLUSTER_BATCH))
        pending: deque = deque()
        for batch in batches:
            pending.append(client.submit(run_batch, func, batch, pure=False))
            if len(pending) >= threads * CLUSTER_WINDOW:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    except (KilledWorker, CancelledError, OSError) as err:  # the cluster failed, not the work
        reason = " ".join(str(err).split())  # one line
        raise SchedulerError(f"{scheduler}: the cluster failed ({type(err).__name__}: "
                             f"{reason})") from None
    finally:
        client.close()


def run_batch(func: Callable[[T], R], batch: Sequence[T]) -> list[R]:
    """One cluster task: ``func`` over a batch of items.

    >>> run_batch(str.upper, ["a", "b"])
    ['A', 'B']
    """
    return [func(item) for item in batch]


def connect(scheduler: str, timeout: float = CONNECT_SECONDS):
    """A Dask client of the scheduler at ``scheduler``, with at least one worker, within
    ``timeout`` seconds; :class:`SchedulerError` with a one-line reason otherwise."""
    try:
        from distributed import Client
    except ImportError:
        raise SchedulerError("--scheduler needs Dask: pip install 'mkg[cluster]'") from None
    check_reachable(scheduler, timeout)
    try:
        client = Client(scheduler, timeout=f"{timeout}s", set_as_default=False)
    except (OSError, TimeoutError) as err:
        raise SchedulerError(f"{scheduler}: cannot reach the Dask scheduler ({err})") from None
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError:
        client.close()
        raise SchedulerError(f"{scheduler}: the scheduler has no worker "
                             f"(none joined within {timeout:g} s)") from None
    return client


def check_scheduler(scheduler: str | None, timeout: float = CONNECT_SECONDS) -> None:
    """Raise :class:`SchedulerError` if ``scheduler`` has an unknown scheme or, for a remote
    one, cannot be reached within ``timeout`` seconds (call it before long work).

    >>> check_scheduler(None)
    """
    executor_for(scheduler)
    if scheme_of(scheduler):
        check_reachable(scheduler or "", timeout)


def check_reachable(scheduler: str, timeout: float = CONNECT_SECONDS) -> None:
    """Raise :class:`SchedulerError` unless a TCP connection to the scheduler's host and port
    opens within ``timeout`` seconds (a fast, clear answer for a wrong or dead address).

    >>> check_reachable("tcp://scheduler.example")
    Traceback (most recent call last):
    ...
    kg.executors.SchedulerError: tcp://scheduler.example: not a scheduler address (tcp://HOST:PORT)
    """
    parts = urlsplit(scheduler if "://" in scheduler else f"tcp://{scheduler}")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        host = port = None
    if not host or not port:
        raise SchedulerError(f"{scheduler}: not a scheduler address (tcp://HOST:PORT)")
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except ConnectionRefusedError:
        reason = "connection refused"
    except TimeoutError:
        reason = f"no answer within {timeout:g} s"
    except OSError as err:
        reason = err.strerror or str(err)
    else:
        return
    raise SchedulerError(f"{scheduler}: cannot reach the Dask scheduler ({reason})")
