"""Use cases the dialects call. ``Core`` bundles them over one store and one clock."""

from __future__ import annotations

from core.clock import Clock, utcnow
from core.services.auth import AuthService
from core.services.customers import CustomerService
from core.services.events import CustomerEventService
from core.services.fixtures import FixtureService
from core.services.keys import KeyService
from core.services.links import LinkService
from core.services.profiles import ProfileService
from core.services.sessions import SessionService
from core.services.social import SocialService
from core.services.tokens import VerifiedTokens
from core.store import Store


class Core:
    """Entry point of the domain: ``core.auth``, ``core.sessions``, ``core.customers``..."""

    def __init__(self, store: Store, clock: Clock = utcnow) -> None:
        self.store = store
        self.clock = clock
        self.auth = AuthService(store)
        self.tokens = VerifiedTokens(store)
        self.sessions = SessionService(store, clock, self.tokens)
        self.customers = CustomerService(store, clock)
        self.fixtures = FixtureService(store, clock)
        self.events = CustomerEventService(store, clock)
        self.links = LinkService(store, clock)
        self.profiles = ProfileService(store, clock, self.customers)
        self.keys = KeyService(store)
        self.social = SocialService(store, clock)


__all__ = ["Core"]
