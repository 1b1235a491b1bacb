"""What Ruche serves over SCIM: the User and Group resources reduced to the attributes Ruche keeps
(a service provider publishes the schema it honours, RFC 7643 §7), with the Enterprise User
extension, and the service's capabilities. scim2-models parses, validates and serialises them."""

from typing import Annotated, Any, ClassVar, Union

from django.conf import settings
from pydantic import EmailStr, Field
from scim2_models import (
    URN,
    AuthenticationScheme,
    Bulk,
    CaseExact,
    ChangePassword,
    ComplexAttribute,
    ETag,
    Extension,
    Filter,
    Mutability,
    Patch,
    Reference,
    Required,
    Resource,
    ResourceType,
    ScimPolicy,
    ScimProvider,
    ServiceProviderConfig,
    Sort,
    Uniqueness,
)

# Ruche keeps one address, one telephone and one site per person: the only label it serves is "work",
# and with one value, no "primary" to tell (a client's is read, then dropped).
WORK = ["work"]
LANGUAGES = [code for code, _name in settings.LANGUAGES]
MAX_RESULTS = 200


class Name(ComplexAttribute):
    # Ruche shows everyone by their name: a first name at least.
    given_name: Annotated[str | None, Required.true] = None
    family_name: str | None = None


class Email(ComplexAttribute):
    value: Annotated[EmailStr | None, Required.true] = None
    type: str | None = Field(None, examples=WORK)


class PhoneNumber(ComplexAttribute):
    value: Annotated[str | None, Required.true] = None
    type: str | None = Field(None, examples=WORK)


class Address(ComplexAttribute):
    """Ruche's site: the town or building the person works at."""

    locality: str | None = None
    type: str | None = Field(None, examples=WORK)


class Manager(ComplexAttribute):
    value: Annotated[str | None, Required.true, CaseExact.true] = None
    # Answered from `value`; what a client sends here is not read.
    ref: Reference["User"] | None = Field(None, serialization_alias="$ref", validation_alias="$ref")  # noqa: F821


class EnterpriseUser(Extension):
    __schema__ = URN("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")

    employee_number: str | None = None
    department: str | None = None
    manager: Manager | None = None


class User(Resource[Any]):
    __schema__ = URN("urn:ietf:params:scim:schemas:core:2.0:User")

    user_name: Annotated[str | None, Uniqueness.server, Required.true] = None
    # Ruche needs a name and an e-mail address for everyone.
    name: Annotated[Name | None, Required.true] = None
    Name: ClassVar[type[ComplexAttribute]] = Name
    # Made of the name: Ruche has no display name of its own.
    display_name: Annotated[str | None, Mutability.read_only] = None
    title: str | None = None
    preferred_language: str | None = Field(None, examples=LANGUAGES)
    active: bool | None = None
    emails: Annotated[list[Email] | None, Required.true] = None
    Emails: ClassVar[type[ComplexAttribute]] = Email
    phone_numbers: list[PhoneNumber] | None = None
    PhoneNumbers: ClassVar[type[ComplexAttribute]] = PhoneNumber
    addresses: list[Address] | None = None
    Addresses: ClassVar[type[ComplexAttribute]] = Address


class GroupMember(ComplexAttribute):
    value: Annotated[str | None, Mutability.immutable, CaseExact.true] = None
    ref: Annotated[Reference[Union["User", "Group"]] | None, Mutability.immutable] = Field(  # noqa: F821, UP007
        None, serialization_alias="$ref", validation_alias="$ref"
    )
    type: Annotated[str | None, Mutability.immutable] = Field(None, examples=["User"])


class Group(Resource[Any]):
    __schema__ = URN("urn:ietf:params:scim:schemas:core:2.0:Group")

    display_name: Annotated[str | None, Required.true] = None
    members: list[GroupMember] | None = None
    Members: ClassVar[type[ComplexAttribute]] = GroupMember


UserResource = User[EnterpriseUser]

CONFIG = ServiceProviderConfig(
    documentation_uri=None,
    patch=Patch(supported=True),
    bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
    filter=Filter(supported=True, max_results=MAX_RESULTS),
    change_password=ChangePassword(supported=False),
    sort=Sort(supported=False),
    etag=ETag(supported=True),
    authentication_schemes=[
        AuthenticationScheme(
            type="oauthbearertoken",
            name="Bearer token",
            description="A token an administrator creates at /manage/scim/ or with manage.py scim_token",
            primary=True,
        )
    ],
)

PROVIDER = ScimProvider(
    models=[User, EnterpriseUser, Group],
    resource_types=[
        ResourceType.from_resource(UserResource),
        ResourceType.from_resource(Group),
    ],
    config=CONFIG,
)

# What the identity providers send: attributes Ruche does not keep are dropped from bodies (Entra ID
# and Okta send their whole mapping), a `remove` carrying the values to remove and a filter that
# matches no value yet are read as Microsoft Entra means them. A PATCH *path* naming an unknown
# attribute is still refused (views.check_paths): nothing is applied then.
POLICY = ScimPolicy(
    unknown=ScimPolicy.Unknown.ignore,
    remove_value_as_filter=ScimPolicy.RemoveValue.apply,
    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create,
)
