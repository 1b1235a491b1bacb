"""SCIM 2.0 over HTTP (RFC 7644) at /scim/v2/, and the administrators' page of its tokens.

The SCIM views read no session and no cookie: a bearer token authenticates each request, and CSRF
does not apply (there is no ambient credential to forge with). Every answer is
`application/scim+json`, an error in the SCIM error schema."""

import json
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from pydantic import ValidationError as PydanticError
from scim2_models import (
    Context,
    Error,
    InvalidFilterException,
    InvalidPathException,
    InvalidValueException,
    ListResponse,
    Mutability,
    NotFoundException,
    NotImplementedException,
    PatchOp,
    Path,
    PreconditionFailedException,
    ResponseParameters,
    SCIMException,
    ScimFilter,
    SearchRequest,
)

from ruche.scim import filters, policies, schema, selectors, services
from ruche.scim.models import ScimToken

CONTENT_TYPE = "application/scim+json"


def _response(payload: dict | None, status: int = 200, etag: str | None = None, location: str | None = None):
    body = b"" if payload is None else json.dumps(payload).encode()
    response = HttpResponse(body, status=status, content_type=CONTENT_TYPE if payload is not None else None)
    if etag:
        response["ETag"] = etag
    if location:
        response["Location"] = location
    return response


def _error(status: int, detail: str, scim_type: str | None = None):
    response = _response(Error(status=status, scim_type=scim_type, detail=detail).model_dump(), status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="scim"'
    return response


def error_response(status: int, detail: str):
    """A SCIM error answered outside a SCIM view (bad input refused before it, a server error)."""
    return _error(status, detail)


def _scim_error(error: SCIMException):
    error_body = error.to_error()
    return _response(error_body.model_dump(), error_body.status or 400)


def _invalid(error: PydanticError):
    first = Error.from_validation_errors(error)[0]
    return _response(first.model_dump(), first.status or 400)


def scim_view(view):
    """Bearer-token authentication, SCIM errors for anything refused, no CSRF, no session."""

    @csrf_exempt
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _sep, secret = header.partition(" ")
        token = services.token_authenticate(secret=secret.strip()) if scheme.lower() == "bearer" else None
        if token is None:
            return _error(401, "A valid bearer token is required.")
        request.scim_token = token
        try:
            with schema.PROVIDER, schema.POLICY:
                return view(request, *args, **kwargs)
        except SCIMException as error:
            return _scim_error(error)
        except PydanticError as error:
            return _invalid(error)
        except ValidationError as error:  # a service below refused a value
            return _error(400, " ".join(error.messages), "invalidValue")
        except PermissionDenied as error:  # a community's rule refused the token's administrator
            return _error(403, str(error) or "Forbidden")

    return wrapped


def _base(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _body(request) -> dict:
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise InvalidValueException(detail="The body is not JSON.") from None
    if not isinstance(data, dict):
        raise InvalidValueException(detail="The body must be a JSON object.")
    return data


def _query(request):
    """The query's parameters: the query string, or the body of a POST to .search (RFC 7644 §3.4.3)."""
    return getattr(request, "scim_search", None) or request.GET


def _search(request):
    request.scim_search = _body(request) or {"filter": None}


def _parameters(request, model) -> ResponseParameters:
    return ResponseParameters[model].model_validate(
        {
            "attributes": _query(request).get("attributes") or None,
            "excludedAttributes": _query(request).get("excludedAttributes") or None,
        }
    )


def _dump(resource, request, model, ctx=Context.RESOURCE_QUERY_RESPONSE) -> dict:
    return resource.model_dump(scim_ctx=ctx, response_parameters=_parameters(request, model))


def _check_version(request, resource) -> None:
    """If-Match on a write: 412 when the client's version is not the current one."""
    wanted = request.headers.get("If-Match")
    if (
        wanted
        and wanted.strip() != "*"
        and resource.meta.version not in [v.strip() for v in wanted.split(",")]
    ):
        raise PreconditionFailedException(detail="The resource changed since this version.")


def _one(request, resource, model, status=200, ctx=Context.RESOURCE_QUERY_RESPONSE):
    if status == 200 and request.method == "GET":
        none_match = request.headers.get("If-None-Match", "")
        if resource.meta.version in [v.strip() for v in none_match.split(",")]:
            response = HttpResponse(status=304)
            response["ETag"] = resource.meta.version
            return response
    return _response(
        _dump(resource, request, model, ctx), status, resource.meta.version, str(resource.meta.location)
    )


def _paging(request) -> tuple[int, int]:
    try:
        start = max(1, int(_query(request).get("startIndex") or 1))
        count = int(_query(request).get("count") or schema.MAX_RESULTS)
    except ValueError:
        raise InvalidValueException(detail="startIndex and count are integers.") from None
    return start, min(max(count, 0), schema.MAX_RESULTS)


def _filter(request, model) -> ScimFilter | None:
    """The filter, checked against the schema: bad syntax or an attribute it does not declare is
    invalidFilter (RFC 7644 §3.4.2.2)."""
    text = _query(request).get("filter")
    if not text:
        return None
    try:
        return SearchRequest[model].model_validate({"filter": text}).filter
    except PydanticError as error:
        raise InvalidFilterException(detail=Error.from_validation_errors(error)[0].detail) from None


def _list(request, model, resources: list, total: int, start: int):
    response = ListResponse[model](
        total_results=total, start_index=start, items_per_page=len(resources), resources=resources or None
    )
    return _response(
        response.model_dump(scim_ctx=Context.SEARCH_RESPONSE, response_parameters=_parameters(request, model))
    )


# Discovery ----------------------------------------------------------------------------------------


@scim_view
def service_provider_config(request):
    if request.method != "GET":
        return _error(405, "Discovery endpoints are read-only.")
    return _response(schema.CONFIG.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


@scim_view
def resource_types(request, name=None):
    return _discovery(request, schema.PROVIDER.resource_types, name, "resource type")


@scim_view
def schemas(request, uri=None):
    return _discovery(request, schema.PROVIDER.schemas, uri, "schema")


def _discovery(request, resources: list, wanted: str | None, what: str):
    """A read-only discovery list (ResourceTypes, Schemas), or the one resource its id names."""
    if request.method != "GET":
        return _error(405, "Discovery endpoints are read-only.")
    found = [resource for resource in resources if wanted is None or resource.id == wanted]
    if wanted is not None:
        if not found:
            raise NotFoundException(detail=f"No {what} {wanted}")
        return _response(found[0].model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    return _response(
        ListResponse[type(found[0])](
            total_results=len(found), start_index=1, items_per_page=len(found), resources=found
        ).model_dump(scim_ctx=Context.SEARCH_RESPONSE)
    )


@csrf_exempt
def not_found(request, rest=""):
    return _error(404, "No such SCIM endpoint.")


# Users ------------------------------------------------------------------------------------------


def _user_or_404(scim_id: str):
    user = selectors.person(scim_id)
    if user is None:
        raise NotFoundException(detail=f"No user {scim_id}")
    return user


def _parse(model, data, ctx):
    return model.model_validate(data, scim_ctx=ctx)


@scim_view
def users_search(request):
    if request.method != "POST":
        return _error(405, "POST")
    _search(request)
    return _users_list(request)


@scim_view
def search_all(request):
    raise NotImplementedException(
        detail="Search one resource type at a time: /Users/.search or /Groups/.search."
    )


@scim_view
def users(request):
    model = schema.UserResource
    if request.method == "POST":
        resource = _parse(model, _body(request), Context.RESOURCE_CREATION_REQUEST)
        user = services.scim_user_create(resource=resource)
        created = selectors.user_resource(selectors.person(str(user.pk)), _base(request))
        return _one(request, created, model, 201, Context.RESOURCE_CREATION_RESPONSE)
    if request.method != "GET":
        return _error(405, "GET or POST")
    return _users_list(request)


def _users_list(request):
    model = schema.UserResource
    start, count = _paging(request)
    queryset, scim_filter = selectors.people(), _filter(request, model)
    base = _base(request)
    if scim_filter is not None:
        try:
            queryset = queryset.filter(filters.to_q(scim_filter.ast, filters.USER_FIELDS))
        except filters.Unmapped:
            matched = [
                r for u in queryset.iterator() if scim_filter.match(r := selectors.user_resource(u, base))
            ]
            return _list(request, model, matched[start - 1 : start - 1 + count], len(matched), start)
        except (ValueError, TypeError) as error:
            raise InvalidFilterException(detail=str(error)) from None
    total = queryset.count()
    page = queryset[start - 1 : start - 1 + count] if count else []
    return _list(request, model, [selectors.user_resource(u, base) for u in page], total, start)


@scim_view
def user(request, scim_id):
    model = schema.UserResource
    with transaction.atomic():
        person = _user_or_404(scim_id)
        if request.method != "GET":  # one writer at a time per person: the If-Match check holds
            list(type(person).objects.select_for_update().filter(pk=person.pk).values_list("pk"))
        current = selectors.user_resource(person, _base(request))
        if request.method == "GET":
            return _one(request, current, model)
        _check_version(request, current)
        if request.method == "DELETE":
            services.scim_user_delete(user=person)
            return _response(None, 204)
        if request.method == "PUT":
            resource = _parse(model, _body(request), Context.RESOURCE_REPLACEMENT_REQUEST)
        elif request.method == "PATCH":
            resource = _patched(request, model, current)
            if resource is None:
                return _one(request, current, model, ctx=Context.RESOURCE_PATCH_RESPONSE)
        else:
            return _error(405, "GET, PUT, PATCH or DELETE")
        services.scim_user_replace(user=person, resource=resource)
        updated = selectors.user_resource(selectors.person(scim_id), _base(request))
        return _one(request, updated, model, ctx=Context.RESOURCE_REPLACEMENT_RESPONSE)


def _patched(request, model, current):
    """The resource with the PATCH applied, or None when it changes nothing. A path naming an
    attribute the schema does not declare refuses the whole PATCH (invalidPath). What Ruche computes
    (displayName) is read only: Entra ID maps it by default, so writes to it are ignored, as a PUT
    ignores read-only values (RFC 7643 §7), instead of failing every update."""
    data = _body(request)
    operations = data.get("Operations")
    if not isinstance(operations, list):
        raise InvalidValueException(detail="Operations: one or more PATCH operations")
    kept = [op for op in operations if not _read_only_target(model, op)]
    if operations and not kept:
        return None
    data["Operations"] = kept
    _entra_manager(data)
    patch = PatchOp[model].model_validate(data, scim_ctx=Context.RESOURCE_PATCH_REQUEST)
    resource = current.model_copy(deep=True)
    return resource if patch.patch(resource) else None


def _read_only_target(model, operation) -> bool:
    """Whether the operation only writes read-only attributes (dropped from a value object too)."""
    if not isinstance(operation, dict):
        return False
    path = operation.get("path")
    if not path:
        value = operation.get("value")
        if isinstance(value, dict):
            read_only = READ_ONLY if model is schema.UserResource else {"id", "meta"}
            for key in [k for k in value if k.lower() in read_only]:
                del value[key]
            return not value
        return False
    try:
        binding = Path[model](path).resolve()
    except (SCIMException, ValueError) as error:
        raise InvalidPathException(detail=f"{path}: {error}") from None
    if binding is None and str(path).lower() not in {u.lower() for u in _extension_urns(model)}:
        raise InvalidPathException(detail=f"{path}: no such attribute")
    return binding is not None and binding.get_annotation(Mutability) == Mutability.read_only


READ_ONLY = {"displayname", "id", "meta", "groups"}  # a User's


def _entra_manager(data: dict) -> None:
    """Entra ID sends the manager as the bare id (`"value": "42"`), not as the complex attribute."""
    for operation in data.get("Operations") or []:
        if (
            isinstance(operation, dict)
            and str(operation.get("path") or "").lower().endswith(":manager")
            and isinstance(operation.get("value"), str)
        ):
            operation["value"] = {"value": operation["value"]}


def _extension_urns(model) -> list[str]:
    return [str(schema.EnterpriseUser.__schema__)] if model is schema.UserResource else []


# Groups -----------------------------------------------------------------------------------------


def _group_or_404(scim_id: str):
    unit = selectors.group_unit(scim_id)
    if unit is None:
        raise NotFoundException(detail=f"No group {scim_id}")
    return unit


@scim_view
def groups_search(request):
    if request.method != "POST":
        return _error(405, "POST")
    _search(request)
    return _groups_list(request)


@scim_view
def groups(request):
    model = schema.Group
    if request.method == "POST":
        resource = _parse(model, _body(request), Context.RESOURCE_CREATION_REQUEST)
        unit = services.scim_group_write(unit=None, resource=resource, token=request.scim_token)
        created = selectors.group_resource(unit, _base(request))
        return _one(request, created, model, 201, Context.RESOURCE_CREATION_RESPONSE)
    if request.method != "GET":
        return _error(405, "GET or POST")
    return _groups_list(request)


def _groups_list(request):
    """Departments or communities are a few hundred at most: filtered in memory by scim2-models."""
    model = schema.Group
    start, count = _paging(request)
    scim_filter = _filter(request, model)
    rows, base = selectors.group_rows(), _base(request)
    found = [selectors.group_resource(unit, base, rows) for unit in selectors.group_units()]
    if scim_filter is not None:
        found = [r for r in found if scim_filter.match(r)]
    return _list(request, model, found[start - 1 : start - 1 + count], len(found), start)


@scim_view
def group(request, scim_id):
    model = schema.Group
    base = _base(request)
    with transaction.atomic():
        unit = _group_or_404(scim_id)
        current = selectors.group_resource(unit, base)
        if request.method == "GET":
            return _one(request, current, model)
        _check_version(request, current)
        if request.method == "DELETE":
            services.scim_group_delete(unit=unit, token=request.scim_token)
            return _response(None, 204)
        if request.method == "PUT":
            resource = _parse(model, _body(request), Context.RESOURCE_REPLACEMENT_REQUEST)
        elif request.method == "PATCH":
            resource = _patched(request, model, current)
            if resource is None:
                return _one(request, current, model, ctx=Context.RESOURCE_PATCH_RESPONSE)
        else:
            return _error(405, "GET, PUT, PATCH or DELETE")
        unit = services.scim_group_write(unit=unit, resource=resource, token=request.scim_token)
        return _one(
            request, selectors.group_resource(unit, base), model, ctx=Context.RESOURCE_REPLACEMENT_RESPONSE
        )


# The administrators' page --------------------------------------------------------------------------


def _admins_only(request):
    if not policies.can_manage_tokens(request.user):
        raise PermissionDenied


@login_required
def tokens(request):
    """The identity providers' tokens: who made them, when last used; a new one's secret shown once."""
    _admins_only(request)
    secret = None
    if request.method == "POST":  # answered here, not redirected: the secret is shown this once
        try:
            token, secret = services.token_create(name=request.POST.get("name", ""), by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Token “%(name)s” created. Copy it now: it will not be shown again.")
                % {"name": token.name},
            )
    context = {
        "tokens": selectors.tokens(),
        "secret": secret,
        "scim_url": request.build_absolute_uri("/scim/v2/"),
    }
    return render(request, "scim/tokens.html", context, status=200)


@login_required
@require_POST
def revoke(request, pk):
    _admins_only(request)
    token = get_object_or_404(ScimToken, pk=pk)
    if services.token_revoke(token=token, by=request.user):
        messages.success(
            request,
            _("Token “%(name)s” revoked: the identity provider can no longer use it.") % {"name": token.name},
        )
    return redirect("scim:tokens")
