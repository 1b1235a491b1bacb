from tests.communities.conftest import add_member, governance, make_community  # noqa: F401
from tests.ideas.conftest import make_campaign, manager, person, reviewer, rnd, sales  # noqa: F401
