"""Reading a request body under a size limit and a deadline, so a slow or oversized client holds only itself."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from enum import Enum

from starlette.requests import Request


class BodyProblem(Enum):
    """Why a body was not read: what each server maps to its own typed refusal."""

    BAD_LENGTH = "bad_length"  # a Content-Length that is not a number
    TOO_LARGE = "too_large"  # declared or streamed over the limit
    TOO_SLOW = "too_slow"  # not received within the deadline


async def read_limited_body(
    request: Request, limit: int, timeout_s: float, refuse: Callable[[BodyProblem], Exception]
) -> bytes:
    """Read the request body; raise `refuse(problem)` for a bad length, over `limit` bytes, or over `timeout_s`."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise refuse(BodyProblem.BAD_LENGTH)
        if int(declared) > limit:
            raise refuse(BodyProblem.TOO_LARGE)
    chunks: list[bytes] = []
    total = 0

    async def consume() -> None:
        nonlocal total
        async for chunk in request.stream():
            total += len(chunk)
            if total > limit:
                raise refuse(BodyProblem.TOO_LARGE)
            chunks.append(chunk)

    try:
        await asyncio.wait_for(consume(), timeout=timeout_s)
    except TimeoutError:
        raise refuse(BodyProblem.TOO_SLOW) from None
    return b"".join(chunks)
