"""HTTP routes of cron (ojs-http-binding §5.14): register, list, read, unregister.

Requests take both spellings (semantics §13 A29): the cases' ``expression`` with a
``job_template{type, args, options}``, and the binding's ``cron`` with top-level
``type``/``args``/``options``/``meta``. Replies use the cases' shape ``{"cron": C}``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from ..cron import DEFAULT_TIMEZONE, check_name, check_overlap_policy, parse_schedule
from ..cron_service import CronEntry, CronRegistration
from ..errors import invalid
from ..model import EnqueueSpec
from ..timefmt import format_iso_duration, format_rfc3339
from .codec import parse_enqueue, require_object, retry_json
from .common import json_response, query_int, read_body

if TYPE_CHECKING:
    from ..service import OJSService

_TEMPLATE_KEYS = ("type", "args", "options", "meta")


def parse_template(body: dict[str, Any]) -> tuple[EnqueueSpec, int | None]:
    """The job template of a registration body: (spec, relative delay in ms)."""
    if body.get("job_template") is not None:
        prefix = "job_template."
        raw = require_template(body["job_template"])
    else:
        prefix = ""
        raw = {k: body[k] for k in _TEMPLATE_KEYS if k in body}
    env = dict(raw)
    env.setdefault("args", [])  # optional for cron (ojs-cron §2)
    if "id" in env:
        raise invalid(f"{prefix}id", f"'{prefix}id' is not allowed: every firing gets its own id")
    options = env.get("options")
    if isinstance(options, dict) and "meta" in options and "metadata" not in options:
        options = dict(options)
        options["metadata"] = options.pop("meta")
        env["options"] = options
    # now=0: a relative time ("+PT5M") comes back as its offset, an absolute one with text.
    spec = parse_enqueue(env, 0, prefix)
    delay_ms = None
    if spec.scheduled_at is not None:
        if spec.scheduled_at_text is not None:
            raise invalid(
                f"{prefix}options.scheduled_at",
                f"'{prefix}options.scheduled_at' of a cron template must be relative, "
                "such as '+PT5M'",
            )
        delay_ms, spec.scheduled_at = spec.scheduled_at, None
    if spec.expires_at is not None:
        if spec.expires_at_text is not None:
            raise invalid(
                f"{prefix}options.expires_at",
                f"'{prefix}options.expires_at' of a cron template must be relative, "
                "such as '+PT1H'",
            )
        spec.ttl_ms, spec.expires_at = spec.expires_at, None
    return spec, delay_ms


def require_template(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise invalid("job_template", "'job_template' must be a JSON object")
    return value


def parse_registration(body: Any) -> CronRegistration:
    """Check a POST /ojs/v1/cron body completely (nothing is stored before this passes)."""
    body = require_object(body)
    name = check_name(body.get("name"))
    path = "expression" if "expression" in body or "cron" not in body else "cron"
    schedule = parse_schedule(body.get(path), body.get("timezone"), path=path)
    overlap = body.get("overlap_policy")
    overlap = "skip" if overlap is None else check_overlap_policy(overlap)
    enabled = body.get("enabled")
    if enabled is not None and not isinstance(enabled, bool):
        raise invalid("enabled", "'enabled' must be a boolean")
    description = body.get("description")
    if description is not None and not isinstance(description, str):
        raise invalid("description", "'description' must be a string")
    template, delay_ms = parse_template(body)
    return CronRegistration(
        name=name,
        schedule=schedule,
        template=template,
        delay_ms=delay_ms,
        overlap_policy=overlap,
        enabled=True if enabled is None else enabled,
        description=description,
    )


def template_json(entry: CronEntry) -> dict[str, Any]:
    spec = entry.template
    options: dict[str, Any] = {"queue": spec.queue}
    if spec.priority:
        options["priority"] = spec.priority
    for name in ("timeout_ms", "visibility_timeout_ms", "max_attempts"):
        value = getattr(spec, name)
        if value is not None:
            options[name] = value
    if spec.retry is not None:
        options["retry"] = retry_json(spec.retry)
    if spec.unique is not None:
        options["unique"] = spec.unique
    if spec.tags:
        options["tags"] = spec.tags
    if spec.trace_id:
        options["trace_id"] = spec.trace_id
    if spec.meta:
        options["meta"] = spec.meta
    if entry.delay_ms:
        options["delay_until"] = "+" + format_iso_duration(entry.delay_ms)
    if spec.ttl_ms:
        options["expires_at"] = "+" + format_iso_duration(spec.ttl_ms)
    if spec.pending:
        options["pending"] = True
    return {**spec.extra, "type": spec.type, "args": spec.args, "options": options}


def cron_json(entry: CronEntry) -> dict[str, Any]:
    """C of ojs-http-binding §5.14."""
    out: dict[str, Any] = {
        "name": entry.name,
        "expression": entry.expression,
        "cron": entry.expression,
        "timezone": entry.timezone or DEFAULT_TIMEZONE,
        "overlap_policy": entry.overlap_policy,
        "enabled": entry.enabled,
        "job_template": template_json(entry),
        "created_at": format_rfc3339(entry.created_at),
        "next_run_at": None if entry.next_run_at is None else format_rfc3339(entry.next_run_at),
        "run_count": entry.run_count,
    }
    if entry.description is not None:
        out["description"] = entry.description
    if entry.last_run_at is not None:
        out["last_run_at"] = format_rfc3339(entry.last_run_at)
    return out


class CronRoutes:
    def __init__(self, service: OJSService) -> None:
        self.cron = service.cron

    async def register(self, request: web.Request) -> web.Response:
        reg = parse_registration(await read_body(request))
        entry, created = await self.cron.register(reg)
        if created:
            return json_response(
                {"cron": cron_json(entry)}, 201, Location=f"/ojs/v1/cron/{entry.name}"
            )
        return json_response({"cron": cron_json(entry)})

    async def list(self, request: web.Request) -> web.Response:
        limit = min(max(query_int(request, "limit", 50), 1), 1000)
        offset = max(query_int(request, "offset", 0), 0)
        entries = await self.cron.entries()
        return json_response(
            {
                "crons": [cron_json(e) for e in entries[offset : offset + limit]],
                "pagination": {
                    "total": len(entries),
                    "limit": limit,
                    "offset": offset,
                    "has_more": offset + limit < len(entries),
                },
            }
        )

    async def get(self, request: web.Request) -> web.Response:
        entry = await self.cron.get(request.match_info["name"])
        return json_response({"cron": cron_json(entry)})

    async def unregister(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        entry = await self.cron.unregister(name)
        return json_response({"cron": cron_json(entry), "deleted": True, "name": name})


def add_cron_routes(router: web.UrlDispatcher, service: OJSService) -> None:
    """POST/GET /ojs/v1/cron, GET/DELETE /ojs/v1/cron/{name}."""
    routes = CronRoutes(service)
    router.add_post("/ojs/v1/cron", routes.register)
    router.add_get("/ojs/v1/cron", routes.list)
    router.add_get("/ojs/v1/cron/{name}", routes.get)
    router.add_delete("/ojs/v1/cron/{name}", routes.unregister)
