"""Run a function in several processes at the same moment, as the worker processes of
`repbot run` do their work: each call in a spawned process, released together."""

import multiprocessing
from collections.abc import Callable
from typing import Any


def _call(target: Callable, args: tuple, start, results, index: int) -> None:
    start.wait()
    results.put((index, target(*args)))


def at_once(target: Callable, calls: list[tuple]) -> list[Any]:
    """target(*args) for each args in `calls`, each in a process of its own, all started
    together; their results, in the order of `calls`. `target` must be importable."""
    spawn = multiprocessing.get_context("spawn")
    start, results = spawn.Barrier(len(calls)), spawn.Queue()
    processes = [
        spawn.Process(target=_call, args=(target, args, start, results, index))
        for index, args in enumerate(calls)
    ]
    for process in processes:
        process.start()
    returned = dict(results.get(timeout=60) for _ in processes)
    for process in processes:
        process.join()
    return [returned[index] for index in range(len(calls))]
