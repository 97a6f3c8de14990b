"""The shared bounded body reader: a body within the limit is read; a bad or over-limit one is refused by kind."""

from __future__ import annotations

from collections.abc import Iterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from app.asgi.body import BodyProblem, read_limited_body

LIMIT = 64


class Refused(Exception):
    """The test server's refusal, carrying the problem."""

    def __init__(self, problem: BodyProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


async def echo(request: Request) -> Response:
    """Answer the body's length, or the problem that refused it."""
    try:
        body = await read_limited_body(request, LIMIT, 5.0, Refused)
    except Refused as exc:
        return JSONResponse({"problem": exc.problem.value}, status_code=400)
    return JSONResponse({"length": len(body)})


def client() -> TestClient:
    """A client of the echo server."""
    return TestClient(Starlette(routes=[Route("/", echo, methods=["POST"])]))


def chunks(size: int, count: int) -> Iterator[bytes]:
    """A streamed body with no Content-Length."""
    for _ in range(count):
        yield b"x" * size


def test_a_body_within_the_limit_is_read_whole() -> None:
    with client() as c:
        assert c.post("/", content=b"a" * LIMIT).json() == {"length": LIMIT}
        assert c.post("/", content=chunks(16, 4)).json() == {"length": 64}


def test_oversized_and_malformed_bodies_are_refused_by_kind() -> None:
    with client() as c:
        assert c.post("/", content=b"a" * (LIMIT + 1)).json() == {"problem": "too_large"}
        assert c.post("/", content=chunks(16, 5)).json() == {"problem": "too_large"}  # streamed past the limit
        hostile = c.post("/", content=b"a", headers={"content-length": "-1"})
        assert hostile.json() == {"problem": "bad_length"}
