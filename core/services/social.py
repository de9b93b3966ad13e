"""A customer's own social media accounts and the messages they liked.

The liked messages of a Facebook account are the ones stored with it plus the customer's
FACEBOOK LIKE customer events (recorded by another channel): an event reads as a message
dated ``performed_on`` whose text is the event's description, or its profile when it has no
description. Events are never copied into the stored messages, so a change to an event shows
everywhere at once; an event equal to a stored message (same text and date, as when a client
saves back what it read) shows once.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from uuid import UUID

import msgspec

from core.clock import Clock
from core.errors import Conflict, FieldError, LimitExceeded, ValidationFailed
from core.models import CustomerEvent, LikedMessage, Principal, SocialAccount
from core.policy import own_customer
from core.store import Store

#: The most liked messages one account may be saved with.
MAX_LIKED_MESSAGES = 1000
#: The provider whose accounts show the customer's like events, and the events that count.
EVENT_PROVIDER = "facebook"
EVENT_NETWORK, EVENT_ACTION = "FACEBOOK", "LIKE"


class NewLikedMessage(msgspec.Struct, kw_only=True):
    text: str | None = None
    date: datetime | None = None
    date_100ns: int = 0


class SocialAccountInput(msgspec.Struct, kw_only=True):
    """An account to save for the caller; ``id`` None asks for a new one, ``customer_id``
    None means the caller (any other customer is refused)."""

    id: UUID | None = None
    customer_id: UUID | None = None
    provider: str
    external_id: str | None = None
    external_name: str | None = None
    external_link: str | None = None
    organization_code: str | None = None
    last_connection_date: datetime | None = None
    last_connection_date_100ns: int = 0
    last_sync_date: datetime | None = None
    last_sync_date_100ns: int = 0
    followers: int = 0
    is_following_org_account: bool = False
    access_token: str | None = None
    secret_access_token: str | None = None
    is_token_valid: bool = False
    liked_messages: list[NewLikedMessage] = []


class SocialAccountView(msgspec.Struct, kw_only=True):
    account: SocialAccount
    liked_messages: list[LikedMessage]


class SocialService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def save(self, principal: Principal, new: SocialAccountInput) -> SocialAccountView:
        """Create or update the caller's account of ``new.provider`` and ``new.external_id``.

        An account is matched by its id when that id is already one of the caller's, else by
        provider and external id; its liked messages are replaced by the ones given.
        """
        me = own_customer(principal)
        _validate(new, me)
        with self.store.write():
            mine = self.store.find(SocialAccount, customer_id=me)
            stored = self._stored(me, new, mine)
            account_id = stored.id if stored else new.id or uuid.uuid4()
            account = _account(new, account_id, me)
            liked = [
                LikedMessage(
                    social_account_id=account_id,
                    position=n,
                    text=m.text,
                    date=m.date,
                    date_100ns=m.date_100ns,
                )
                for n, m in enumerate(new.liked_messages)
            ]
            if stored is None:
                self.store.insert(account)
                self.store.insert_many(liked)
            else:
                self._replace(stored, account, liked)
            mine = [a for a in mine if a.id != account_id] + [account]
            return self._view(account, _events_account_id(_ordered(mine)), liked)

    def _stored(
        self, me: UUID, new: SocialAccountInput, mine: list[SocialAccount]
    ) -> SocialAccount | None:
        """The stored account a save replaces: by id when that id is already one of the
        caller's, else the first of the caller's with the same provider and external id."""
        if new.id is not None:
            known = self.store.get(SocialAccount, new.id)
            if known is not None and known.customer_id != me:
                raise Conflict(f"social account {new.id} belongs to another customer")
            if known is not None:
                return known
        same = (a for a in mine if a.provider == new.provider and a.external_id == new.external_id)
        return next(same, None)

    def _replace(
        self, stored: SocialAccount, account: SocialAccount, liked: list[LikedMessage]
    ) -> None:
        """Write what differs from the stored account and its messages (clients save back
        what they read): an unchanged account or message list costs no statement."""
        if _exact(stored) != _exact(account):
            self.store.update(account, before=stored)
        old = self.store.find(LikedMessage, social_account_id=account.id, order_by="position")
        if _exact(old) != _exact(liked):
            self.store.delete(LikedMessage, social_account_id=account.id)
            self.store.insert_many(liked)

    def list(self, principal: Principal) -> list[SocialAccountView]:
        """The caller's accounts, by provider, external id and id."""
        me = own_customer(principal)
        with self.store.read():
            accounts = _ordered(self.store.find(SocialAccount, customer_id=me))
            events_on = _events_account_id(accounts)
            return [self._view(a, events_on) for a in accounts]

    def _view(
        self,
        account: SocialAccount,
        events_on: UUID | None,
        stored: list[LikedMessage] | None = None,
    ) -> SocialAccountView:
        """The account with its stored messages (``stored`` when the caller just wrote
        them), then (on ``events_on``) its like events."""
        liked = (
            list(stored)
            if stored is not None
            else self.store.find(LikedMessage, social_account_id=account.id, order_by="position")
        )
        if account.id != events_on:
            return SocialAccountView(account=account, liked_messages=liked)
        events = self.store.find(
            CustomerEvent,
            customer_id=account.customer_id,
            social_media=EVENT_NETWORK,
            action=EVENT_ACTION,
        )
        seen = {(m.text, m.date, m.date_100ns) for m in liked}
        for event in sorted(events, key=lambda e: (e.performed_on, e.number)):
            text = event.description or event.profile
            if (text, event.performed_on, 0) in seen:
                continue
            liked.append(
                LikedMessage(
                    social_account_id=account.id,
                    position=len(liked),
                    text=text,
                    date=event.performed_on,
                )
            )
        return SocialAccountView(account=account, liked_messages=liked)


def _exact(value: object) -> object:
    """``value`` as builtins: dates compared with their offsets, not only as instants."""
    return msgspec.to_builtins(value)


def _ordered(accounts: list[SocialAccount]) -> list[SocialAccount]:
    return sorted(accounts, key=lambda a: (a.provider.casefold(), a.external_id or "", str(a.id)))


def _events_account_id(accounts: list[SocialAccount]) -> UUID | None:
    """The account a customer's like events show on: its first Facebook account."""
    return next((a.id for a in accounts if a.provider.casefold() == EVENT_PROVIDER), None)


def _validate(new: SocialAccountInput, me: UUID) -> None:
    errors: list[FieldError] = []
    if new.customer_id is not None and new.customer_id != me:
        errors.append(
            FieldError(
                "customer_id",
                "invalid",
                "The customer id must be the caller's own.",
                {"value": str(new.customer_id)},
            )
        )
    if not new.provider.strip():
        errors.append(FieldError("provider", "required", "The provider is required."))
    stamps = [
        ("last_connection_date", new.last_connection_date_100ns),
        ("last_sync_date", new.last_sync_date_100ns),
    ] + [(f"liked_messages[{n}].date", m.date_100ns) for n, m in enumerate(new.liked_messages)]
    errors += [
        FieldError(name, "invalid", "A date has at most seven fraction digits.")
        for name, units in stamps
        if not 0 <= units <= 9
    ]
    if len(new.liked_messages) > MAX_LIKED_MESSAGES:
        raise LimitExceeded("liked_messages", MAX_LIKED_MESSAGES, len(new.liked_messages))
    if errors:
        raise ValidationFailed(errors)


def _account(new: SocialAccountInput, account_id: UUID, me: UUID) -> SocialAccount:
    fields = msgspec.structs.asdict(new)
    del fields["liked_messages"]
    fields.update(id=account_id, customer_id=me)
    return SocialAccount(**fields)
