"""`govdesk scenario`: play the article's scenarios end to end on a local stage, or list them.

    govdesk scenario --list [--json]
    govdesk scenario bank-account [--json] [--dir DIR]
    govdesk scenario all

A run starts the 11 department nodes (one process each, witnessing each other) and three throwaway
offices in DIR (a temporary directory by default, removed afterwards), plays the scenario, checks
it (case states, inclusion of every entry, privacy scan) and stops the nodes. Exit status: 0 when
every check passed, 1 when a check found a problem, 2 for a usage error, 3 when the stage or a
scenario could not run.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from app.catalogue.catalogue import load_catalogue
from app.catalogue.errors import ServiceError
from app.demo.scenario_world import WorldError
from app.demo.scenarios import SCENARIOS, ScenarioFailed, ScenarioOutcome, run_scenario, scenario_world
from app.store.errors import StoreError
from app.sync.errors import SyncError

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_FAILED = 0, 1, 2, 3


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `scenario` command."""
    p = sub.add_parser("scenario", help="play the article's scenarios end to end on local nodes and offices")
    p.add_argument("name", nargs="?", help=f"a scenario ({', '.join(SCENARIOS)}) or 'all'")
    p.add_argument("--list", action="store_true", help="list the scenarios")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--dir", type=Path, help="where to put the nodes and offices (an empty or new directory)")
    p.set_defaults(func=run_scenario_command)


def _listing() -> list[dict[str, Any]]:
    catalogue = load_catalogue()
    out = []
    for s in SCENARIOS.values():
        service = catalogue.service(s.service)
        out.append(
            {
                "name": s.name,
                "title_zh": s.title_zh,
                "title_en": s.title_en,
                "service": service.id,
                "lead": service.lead,
                "departments": sorted({service.lead, *(step.department for step in service.steps), s.provider}),
                "certificates": list(service.requires),
                "data_shared": {"provider": s.provider, "scope": list(s.scope)},
            }
        )
    return out


def run_scenario_command(args: argparse.Namespace) -> int:
    """List the scenarios, or play one (or all) and print the outcome."""
    if args.list:
        listing = _listing()
        if args.json:
            print(json.dumps({"scenarios": listing}, ensure_ascii=False, indent=1))
        else:
            for item in listing:
                print(f"{item['name']:<20} {item['title_zh']}  /  {item['title_en']}")
        return EXIT_OK
    if args.name is None:
        print("error: name a scenario, 'all', or use --list", file=sys.stderr)
        return EXIT_USAGE
    if args.name != "all" and args.name not in SCENARIOS:
        print(f"error: no scenario {args.name!r}; known: {', '.join(SCENARIOS)}, all", file=sys.stderr)
        return EXIT_USAGE
    names = list(SCENARIOS) if args.name == "all" else [args.name]
    if args.dir is not None and args.dir.exists() and any(args.dir.iterdir()):
        print(f"error: {args.dir} is not empty; give a new or empty directory", file=sys.stderr)
        return EXIT_USAGE
    if args.dir is not None:
        return _play(args.dir, names, args.json)
    with tempfile.TemporaryDirectory(prefix="govdesk-scenario-") as tmp:
        return _play(Path(tmp), names, args.json)


def _play(directory: Path, names: list[str], as_json: bool) -> int:
    say = (lambda line: None) if as_json else (lambda line: print(line, flush=True))
    outcomes: list[ScenarioOutcome] = []
    world = scenario_world(directory)
    failure = None
    try:
        say(f"stage: 11 department nodes and 3 offices in {directory}")
        world.build()
        world.start()
        for name in names:
            outcomes.append(run_scenario(world, SCENARIOS[name], say))
    except (ScenarioFailed, WorldError, ServiceError, StoreError, SyncError, OSError) as exc:
        failure = f"{type(exc).__name__}: {exc}"
    finally:
        world.stop()
    ok = failure is None and all(not o.problems for o in outcomes)
    if as_json:
        doc = {"ok": ok, "scenarios": [o.to_json() for o in outcomes], "error": failure}
        print(json.dumps(doc, ensure_ascii=False, indent=1))
    else:
        for o in outcomes:
            verdict = "ok" if not o.problems else "PROBLEMS: " + "; ".join(o.problems)
            print(f"{o.scenario}: case {o.case_id} {o.states} in {o.seconds:.1f} s: {verdict}")
        if failure:
            print(f"error: {failure}", file=sys.stderr)
    if failure is not None:
        return EXIT_FAILED
    return EXIT_OK if ok else EXIT_PROBLEMS
