"""The pages a person reads in a browser: home, search, lists of each kind, the named questions, the SPARQL editor,
source documents, the flow diagram, paths, every resource in the view of its kind, and citations. Server-rendered
HTML that reads without JavaScript; the pictures and the editor are scripts from /static (installed from the npm
registry at build time, never from a CDN).
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from api.pages import browse, citations, documents, home, maps, pictures, questions
from api.pages.render import STATIC_DIR, problem_page
from api.pages.resources import render_resource

__all__ = ["install_pages", "problem_page", "render_resource"]


def install_pages(app: FastAPI) -> None:
    """Add the pages and their static files (styles, scripts, the vendored editor and drawing libraries).

    The pages a browser gets at the addresses of JSON routes (/flagships, /bienniums/2020-21, /sparql) go first,
    so that they are tried before those routes; they match only a request that asks for HTML.
    """
    _first(app, browse.browsers, home.browsers)
    for area in (home, questions, documents, pictures, maps, browse, citations):
        app.include_router(area.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")


def _first(app: FastAPI, *routers: APIRouter) -> None:
    before = len(app.router.routes)
    for router in routers:
        app.include_router(router)
    added = app.router.routes[before:]
    del app.router.routes[before:]
    app.router.routes[0:0] = added
