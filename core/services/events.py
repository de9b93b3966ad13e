"""Customer events: bulk creation (each item on its own), read-back, and the organisation a
principal logs in to. Entities are referenced by identifier objects (any of id, number, name,
alternative code), always within the principal's own company.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import msgspec

from core.clock import Clock
from core.errors import (
    CoreError,
    FieldError,
    LimitExceeded,
    NotFound,
    Unauthenticated,
    ValidationFailed,
)
from core.models import (
    AccountReceivable,
    Company,
    CustomerEvent,
    EventClassification,
    Principal,
    RewardsParticipant,
    Unit,
)
from core.policy import check_customer_access, is_staff
from core.services.auth import BAD_CREDENTIALS
from core.services.references import (
    Lookup,
    ParticipantRef,
    Ref,
    get_customer,
    invalid,
    is_given,
    required,
)
from core.store import Store

#: The most events one bulk call may carry.
MAX_BULK = 1000
SOCIAL_MEDIA = "social_media"
#: Social networks and, per network, the actions an event may record.
SOCIAL_ACTIONS: dict[str, frozenset[str]] = {"FACEBOOK": frozenset({"LIKE"})}


class NewSocialMediaEvent(msgspec.Struct, kw_only=True):
    """One event to create; a missing mandatory value is refused by ``create_social_media``."""

    account: Ref | None = None
    participant: ParticipantRef | None = None
    classification: Ref | None = None
    unit: Ref | None = None
    performed_on: datetime | None = None
    description: str | None = None
    social_media: str | None = None
    profile: str | None = None
    action: str | None = None
    external_system: str | None = None
    external_reference: str | None = None
    udf_strings: list[str | None] = []
    udf_floats: list[float | None] = []
    udf_dates: list[datetime | None] = []


class EventView(msgspec.Struct, kw_only=True):
    """A stored event with the entities it references."""

    event: CustomerEvent
    unit: Unit | None
    classification: EventClassification | None
    account: AccountReceivable | None
    participant: RewardsParticipant | None


class EventQuery(msgspec.Struct, kw_only=True):
    account: Ref | None = None
    participant: ParticipantRef | None = None
    classification: Ref | None = None
    submitted_after: datetime | None = None
    submitted_before: datetime | None = None
    limit: int | None = None
    offset: int = 0


def new_ids(count: int, now: datetime) -> list[str]:
    """CRM ids are 32 upper-case hex digits: here the millisecond of ``now`` (12 digits), then
    80 random bits, ascending within the batch. Ids that rise with time land at the end of the
    id index, so a bulk call writes a few pages of it instead of one page per event."""
    millis = f"{int(now.timestamp() * 1000) & (2**48 - 1):012X}"
    random = secrets.token_bytes(10 * count)
    tails = sorted(random[i : i + 10].hex().upper() for i in range(0, len(random), 10))
    return [millis + tail for tail in tails]


class CustomerEventService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    # -- organisation -----------------------------------------------------------------------

    def check_organisation(self, principal: Principal, code: str, unit_id: str | None) -> None:
        """Refuse a login into another organisation than the user's, or with a foreign unit."""
        with self.store.read():
            company = self.store.get(Company, principal.company_id)
        if company is None or company.code.casefold() != code.strip().casefold():
            raise Unauthenticated("credentials", BAD_CREDENTIALS)
        self.check_unit(principal, unit_id)

    def check_unit(self, principal: Principal, unit_id: str | None) -> None:
        """A unit named at login must be one of the principal's company."""
        if not unit_id:
            return
        with self.store.read():
            unit = self.store.get(Unit, unit_id)
        if unit is None or unit.company_id != principal.company_id:
            raise NotFound("unit", unit_id)

    # -- bulk creation ------------------------------------------------------------------------

    def create_social_media(
        self, principal: Principal, items: Sequence[NewSocialMediaEvent | CoreError]
    ) -> list[CustomerEvent | CoreError]:
        """Create every valid item; a refused item is returned as its error, in its place.

        Each item is checked on its own (reads only), so a bad item never costs the good ones;
        the good ones are then numbered and written together in one transaction. Items the
        caller could not even read arrive as errors and are passed through, so the answer keeps
        the request's order and the limit counts every item.
        """
        if not items:
            raise ValidationFailed([required("events")])
        if len(items) > MAX_BULK:
            raise LimitExceeded("events", MAX_BULK, len(items))
        lookup = Lookup(self.store, principal)
        results: list[CustomerEvent | CoreError] = []
        with self.store.write():
            for item in items:
                if isinstance(item, CoreError):
                    results.append(item)
                    continue
                try:
                    results.append(self._prepare(principal, item, lookup))
                except CoreError as exc:
                    results.append(exc)
            created = [r for r in results if isinstance(r, CustomerEvent)]
            numbers = self._numbers(principal, len(created))
            ids = new_ids(len(created), self.clock())
            for event, number, id in zip(created, numbers, ids, strict=True):
                event.number, event.id = number, id
            self.store.insert_many(created)
        return results

    def _numbers(self, principal: Principal, count: int) -> range:
        """Reserve ``count`` consecutive event numbers of the company (two counter updates)."""
        if not count:
            return range(0)
        sequence = f"customer_events:{principal.company_id}"
        first = self.store.next_value(sequence)
        last = self.store.next_value(sequence, floor=first + count - 2) if count > 1 else first
        return range(first, last + 1)

    def _prepare(
        self, principal: Principal, item: NewSocialMediaEvent, lookup: Lookup
    ) -> CustomerEvent:
        unit_ref, performed_on = _validate(item)
        unit = lookup.one(Unit, "unit", unit_ref)
        classification = (
            lookup.one(EventClassification, "classification", item.classification)
            if item.classification and item.classification.given()
            else None
        )
        account, participant, customer_id = lookup.holder(item.account, item.participant)
        customer = lookup.customer(customer_id)
        check_customer_access(principal, customer, ref=customer_id)
        return CustomerEvent(
            id="",  # identified and numbered when the batch is written
            number=0,
            company_id=principal.company_id,
            customer_id=customer_id,
            kind=SOCIAL_MEDIA,
            account_id=account.id if account else None,
            participant_id=participant.id if participant else None,
            classification_id=classification.id if classification else None,
            unit_id=unit.id,
            performed_on=performed_on,
            description=item.description,
            social_media=item.social_media,
            profile=item.profile,
            action=item.action,
            external_system=item.external_system,
            external_reference=item.external_reference,
            udf_strings=item.udf_strings,
            udf_floats=item.udf_floats,
            udf_dates=item.udf_dates,
            created=self.clock(),
        )

    # -- read-back ----------------------------------------------------------------------------

    def show_social_media(
        self,
        principal: Principal,
        *,
        id: str | None = None,
        number: str | None = None,
        external_reference: str | None = None,
    ) -> EventView:
        """One social media event by id, number or external system reference number."""
        where: dict[str, Any] = {
            k: v
            for k, v in (("id", id), ("number", number), ("external_reference", external_reference))
            if v is not None
        }
        if not where:
            raise ValidationFailed([required("customer_event")])
        label = next(iter(where.values()))
        if number is not None:
            if not number.strip().isdigit():
                raise NotFound("customer_event", label)
            where["number"] = int(number)
        with self.store.read():
            found = self.store.find(
                CustomerEvent, company_id=principal.company_id, kind=SOCIAL_MEDIA, **where
            )
            if not found:
                raise NotFound("customer_event", label)
            event = found[0]
            owner = get_customer(self.store, event.customer_id)
            check_customer_access(principal, owner, ref=label)
            return _view(self.store, event)

    def list_social_media(self, principal: Principal, query: EventQuery) -> list[EventView]:
        """Events of an account, a participant or a classification, oldest number first."""
        where: dict[str, Any] = {"company_id": principal.company_id, "kind": SOCIAL_MEDIA}
        with self.store.read():
            lookup = Lookup(self.store, principal)
            if query.account and query.account.given():
                account = lookup.one(AccountReceivable, "account", query.account)
                check_customer_access(principal, lookup.customer(account.customer_id), ref=account)
                where["account_id"] = account.id
            if query.participant and is_given(query.participant):
                participant = lookup.participant(query.participant)
                owner = lookup.customer(participant.customer_id)
                check_customer_access(principal, owner, ref=participant)
                where["participant_id"] = participant.id
            if query.classification and query.classification.given():
                classification = lookup.one(
                    EventClassification, "classification", query.classification
                )
                where["classification_id"] = classification.id
            if len(where) == 2:
                raise ValidationFailed([required("account_participant_or_classification")])
            if not is_staff(principal):
                where["customer_id"] = principal.customer_id
            events = [
                e
                for e in self.store.find(CustomerEvent, order_by="number", **where)
                if (query.submitted_after is None or e.created > query.submitted_after)
                and (query.submitted_before is None or e.created < query.submitted_before)
            ]
            end = None if query.limit is None else query.offset + query.limit
            return [_view(self.store, e) for e in events[query.offset : end]]


#: Item members stored as text (which may not hold NUL characters in any store).
_STORED_TEXT = (
    "description",
    "social_media",
    "profile",
    "action",
    "external_system",
    "external_reference",
    "udf_strings",
)


def _validate(item: NewSocialMediaEvent) -> tuple[Ref, datetime]:
    """The unit reference and date of a complete item; every missing or invalid value refused."""
    errors: list[FieldError] = []
    if item.unit is None or not item.unit.given():
        errors.append(required("unit"))
    if item.account is None and item.participant is None:
        errors.append(required("account_or_participant"))
    for name in ("performed_on", "social_media", "profile", "action"):
        if getattr(item, name) in (None, ""):
            errors.append(required(name))
    for name in _STORED_TEXT:
        value = getattr(item, name)
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and "\x00" in v for v in values):
            errors.append(invalid(name, value))
    token = item.participant.access_token if item.participant else None
    if token and token.identifier is not None and not token.pass_code:
        errors.append(required("pass_code"))
    if not errors:
        actions = SOCIAL_ACTIONS.get(item.social_media or "")
        if actions is None:
            errors.append(invalid("social_media", item.social_media))
        elif item.action not in actions:
            errors.append(invalid("action", item.action))
    if errors or item.unit is None or item.performed_on is None:
        raise ValidationFailed(errors)
    return item.unit, item.performed_on


def _view(store: Store, event: CustomerEvent) -> EventView:
    return EventView(
        event=event,
        unit=store.get(Unit, event.unit_id),
        classification=(
            store.get(EventClassification, event.classification_id)
            if event.classification_id
            else None
        ),
        account=store.get(AccountReceivable, event.account_id) if event.account_id else None,
        participant=(
            store.get(RewardsParticipant, event.participant_id) if event.participant_id else None
        ),
    )
