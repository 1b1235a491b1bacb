"""Your personal API tokens: list, create (signed in through the browser only), revoke."""

from ninja import Router, Status

from ruche.api import selectors, services
from ruche.api.auth import session_auth
from ruche.api.common import READ_ERRORS, WRITE_ERRORS
from ruche.api.schemas import Id, TokenCreated, TokenIn, TokenList, TokenOut

router = Router(tags=["tokens"])


@router.get("/", response={200: TokenList, **READ_ERRORS}, summary="Your API tokens")
def tokens(request):
    return {"items": selectors.tokens_of(request.auth)}


@router.post("/", response={201: TokenCreated, **WRITE_ERRORS}, auth=session_auth, summary="Create a token")
def create(request, payload: TokenIn):
    """The secret is in this answer only: it is stored as a hash. A token cannot make other tokens."""
    token, raw = services.api_token_create(user=request.auth, name=payload.name)
    token.token = raw
    return Status(201, token)


@router.delete("/{id:token_id}", response={200: TokenOut, **WRITE_ERRORS}, summary="Revoke a token")
def revoke(request, token_id: Id):
    token = selectors.token_of(request.auth, token_id)
    return services.api_token_revoke(token=token, by=request.auth)
