"""One audit row per API call (``core.audit``): which system, which operation, the answer's status, and which people
and households were given out. Written after the answer is made, also for refusals of a known key (expired,
revoked, over its rate) — a refused unknown key names no system and leaves no row."""

from __future__ import annotations

import time

from django.http import JsonResponse

from ansinh.api.errors import body
from ansinh.api.services import ApiCall, api_call_record

API_PREFIX = "/api/"
# what Django itself answers under /api/ (an unknown path, a wrong method, a failure outside the endpoints) in the
# API's own JSON shape: a connected system never has to read an HTML page
PLAIN_ERRORS = {404: "not_found", 405: "method_not_allowed", 400: "malformed_request", 403: "forbidden",
                500: "server_error"}


def as_json_error(response):
    if response.status_code < 400 or response.get("Content-Type", "").startswith("application/json"):
        return response
    code = PLAIN_ERRORS.get(response.status_code, "server_error" if response.status_code >= 500 else "refused")
    json_response = JsonResponse(body(code), status=response.status_code, json_dumps_params={"ensure_ascii": False})
    if response.has_header("Allow"):
        json_response["Allow"] = response["Allow"]
    return json_response


class ApiAuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        started = time.perf_counter()
        response = as_json_error(self.get_response(request))
        client = getattr(request, "api_client", None)
        refused = ""
        if client is None and getattr(request, "api_refused", None):
            client, refused = request.api_refused
        if client is not None:
            match = getattr(request, "resolver_match", None)
            api_call_record(client=client, call=ApiCall(
                operation=(match.url_name if match else "") or request.path[:60], method=request.method,
                status=response.status_code, person_ids=sorted(set(getattr(request, "api_person_ids", []))),
                household_ids=sorted(set(getattr(request, "api_household_ids", []))),
                duration_ms=int((time.perf_counter() - started) * 1000), refused=refused,
                purposes=getattr(request, "api_purposes", [])))
        return response
