"""The hall on PostgreSQL: the same rules, and no ticket held twice when windows call from many threads."""

from __future__ import annotations

import itertools
import os
import threading
from collections import Counter
from dataclasses import replace

import psycopg
import pytest

from app.hall.config import WindowSpec, default_config
from app.hall.hall import Hall
from app.hall.store_open import open_hall_store
from app.hall.store_postgres import PostgresHallStore
from app.protocol.hall_refusals import HallCode, HallRefusal
from app.protocol.hall_tickets import TicketKind, TicketState

_databases = itertools.count()


@pytest.fixture
def hall_pg(pg_server):
    """A hall on a fresh PostgreSQL database, 6 windows serving every category."""
    base = pg_server.conninfo().removesuffix(" dbname=postgres")
    name = f"hall_{os.getpid()}_{next(_databases)}"
    with psycopg.connect(base + " dbname=postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    store = open_hall_store(pg_server.url(name))
    assert isinstance(store, PostgresHallStore)
    config = default_config("office-03", 1)
    every = tuple(c.id for c in config.categories)
    config = replace(config, windows=tuple(WindowSpec(f"w{n:02d}", n, every) for n in range(1, 7)), max_skips=9)
    yield Hall(config, store)
    store.close()


def test_concurrent_windows_on_postgres_never_share_or_double_finish_a_ticket(hall_pg: Hall) -> None:
    issued = hall_pg.issue_many("tax", 150) + [hall_pg.issue("property", TicketKind.GREEN) for _ in range(10)]
    finished: list[int] = []
    holds: list[tuple[int, int]] = []
    lock = threading.Lock()

    def window(w: str) -> None:
        while True:
            ticket = hall_pg.call_next(w)
            if ticket is None:
                return
            with lock:
                holds.append((ticket.id, ticket.hold or 0))
            if ticket.id % 7 == 0 and ticket.skips == 0:
                hall_pg.skip(w, ticket.id, ticket.hold or 0)
                continue
            hall_pg.finish(w, ticket.id, ticket.hold or 0)
            with lock:
                finished.append(ticket.id)

    threads = [threading.Thread(target=window, args=(w.id,)) for w in hall_pg.config.windows]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(finished) == sorted(t.id for t in issued)
    assert max(Counter(finished).values()) == 1
    assert len(set(holds)) == len(holds) and len({h for _, h in holds}) == len(holds)
    assert all(hall_pg.ticket(t.id).state is TicketState.FINISHED for t in issued[:20])
    with pytest.raises(HallRefusal) as err:
        hall_pg.finish("w01", issued[0].id, 1)
    assert err.value.code is HallCode.ALREADY_FINISHED
