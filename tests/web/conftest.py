from tests.communities.conftest import add_member, governance, make_community  # noqa: F401
