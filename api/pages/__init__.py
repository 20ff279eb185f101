"""The pages a person reads in a browser: home, search, the named questions, the SPARQL editor, source documents,
the flow diagram, paths and every resource. Server-rendered HTML that reads without JavaScript; the pictures and
the editor are scripts from /static (installed from the npm registry at build time, never from a CDN).
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.pages import documents, home, pictures, questions
from api.pages.render import STATIC_DIR, problem_page
from api.pages.resources import render_resource

__all__ = ["install_pages", "problem_page", "render_resource"]


def install_pages(app: FastAPI) -> None:
    """Add the pages and their static files (styles, scripts, the vendored editor and drawing libraries)."""
    for area in (home, questions, documents, pictures):
        app.include_router(area.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
