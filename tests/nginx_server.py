"""nginx serving a node's static tiles in tests: see app/node/nginx.py."""

from __future__ import annotations

from app.node.nginx import NginxServer

__all__ = ["NginxServer"]
