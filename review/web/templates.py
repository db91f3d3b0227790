"""Page rendering: Jinja2 with autoescaping on for every template, so text from documents (OCR,
file names, extracted values) is always written as text, never as markup."""

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATES = Path(__file__).with_name("templates")

environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,  # all templates, whatever their extension
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def with_params(params: dict[str, Any], **changes: Any) -> str:
    """A query string: `params` with `changes` applied; empty values are left out."""
    merged = {**params, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "")})


environment.globals["with_params"] = with_params


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    who = getattr(request.state, "signed_in", None)
    page = environment.get_template(name).render(request=request, who=who, **context)
    return HTMLResponse(page, status_code=status_code)
