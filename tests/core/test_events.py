"""CustomerEventService: bulk creation semantics, references, read-back, organisations."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import (
    Forbidden,
    LimitExceeded,
    NotFound,
    Unauthenticated,
    ValidationFailed,
)
from core.models import CustomerEvent, Principal
from core.services import Core
from core.services.events import MAX_BULK, EventQuery, NewSocialMediaEvent
from core.services.references import ParticipantRef, Ref, TokenRef
from tests.helpers import JOHN_ID, FakeClock

WHEN = datetime(2016, 6, 22, 15, 0, tzinfo=UTC)


def admin(core: Core) -> Principal:
    return core.auth.login("admin@demo.local", "demo-admin")


def new(**fields: object) -> NewSocialMediaEvent:
    values: dict[str, object] = {
        "account": Ref(number="ACR0000000164"),
        "unit": Ref(name="Admin Unit"),
        "performed_on": WHEN,
        "social_media": "FACEBOOK",
        "profile": "www.facebook.com/john",
        "action": "LIKE",
    }
    values.update(fields)
    return NewSocialMediaEvent(**values)  # type: ignore[arg-type]


def test_a_facebook_like_is_stored_for_the_web_api_to_read(core: Core) -> None:
    (created,) = core.events.create_social_media(admin(core), [new()])
    assert isinstance(created, CustomerEvent)
    stored = core.store.get(CustomerEvent, created.id)
    assert stored == created
    assert (stored.kind, stored.social_media, stored.action) == ("social_media", "FACEBOOK", "LIKE")
    assert stored.customer_id == uuid.UUID(JOHN_ID)
    assert stored.performed_on == WHEN
    assert len(stored.id) == 32
    assert stored.id == stored.id.upper()


def test_ids_rise_with_time_and_within_a_call(core: Core, clock: FakeClock) -> None:
    """32 upper-case hex digits, the first 12 the millisecond: a bulk call appends to the id
    index instead of touching one page of it per event."""
    first = core.events.create_social_media(admin(core), [new() for _ in range(50)])
    clock.advance(seconds=1)
    second = core.events.create_social_media(admin(core), [new() for _ in range(50)])
    ids = [e.id for e in [*first, *second]]  # type: ignore[union-attr]
    assert ids == sorted(ids)
    assert len(set(ids)) == 100
    assert all(re.fullmatch("[0-9A-F]{32}", i) for i in ids)
    assert ids[0][:12] == f"{int(clock.now.timestamp() * 1000) - 1000:012X}"
    assert ids[0][:12] != ids[-1][:12]


def test_failed_items_roll_back_alone_and_keep_their_place(core: Core) -> None:
    refused = ValidationFailed([])
    results = core.events.create_social_media(
        admin(core), [new(), refused, new(unit=Ref(name="Nowhere")), new()]
    )
    assert results[1] is refused
    assert isinstance(results[2], NotFound)
    assert (results[2].kind, results[2].key) == ("unit", "Nowhere")
    assert [r.number for r in (results[0], results[3])] == [1, 2]  # type: ignore[union-attr]
    assert core.store.count(CustomerEvent) == 2


def test_limits_refuse_the_whole_call(core: Core) -> None:
    with pytest.raises(LimitExceeded):
        core.events.create_social_media(admin(core), [new()] * (MAX_BULK + 1))
    with pytest.raises(ValidationFailed):
        core.events.create_social_media(admin(core), [])
    assert core.store.count(CustomerEvent) == 0


def test_a_participant_completes_the_account_and_the_other_way_round(core: Core) -> None:
    by_token = new(
        account=None,
        participant=ParticipantRef(access_token=TokenRef(one_time_password=164164)),
    )
    by_account = new()
    first, second = core.events.create_social_media(admin(core), [by_token, by_account])
    for event in (first, second):
        assert isinstance(event, CustomerEvent)
        assert event.account_id == "4F0A1B2C3D4E5F60718293A4B5C6D164"
        assert event.participant_id == "5A0A1B2C3D4E5F60718293A4B5C6D164"


def test_an_account_without_participant_and_mismatched_tokens(core: Core) -> None:
    jane, mismatch, empty_token = core.events.create_social_media(
        admin(core),
        [
            new(account=Ref(number="ACR0000000050")),
            new(
                account=None,
                participant=ParticipantRef(
                    number="RP0000000164",
                    access_token=TokenRef(authentication_code="AC0000000164", pass_code="x"),
                ),
            ),
            new(account=None, participant=ParticipantRef(access_token=TokenRef())),
        ],
    )
    assert isinstance(jane, CustomerEvent)
    assert jane.participant_id is None
    assert isinstance(mismatch, CustomerEvent)  # the same participant either way
    assert isinstance(empty_token, ValidationFailed)


def test_a_customer_may_only_create_its_own_events(core: Core) -> None:
    john = core.auth.login("customer11@1to1service.com", "demo-customer")
    own, janes = core.events.create_social_media(
        john, [new(), new(account=Ref(number="ACR0000000050"))]
    )
    assert isinstance(own, CustomerEvent)
    assert isinstance(janes, Forbidden)


def test_organisation_and_unit_checks(core: Core) -> None:
    principal = admin(core)
    core.events.check_organisation(principal, " demo ", None)
    core.events.check_organisation(principal, "DEMO", "A1B2C3D4E5F60718293A4B5C6D7E8F90")
    with pytest.raises(Unauthenticated):
        core.events.check_organisation(principal, "OTHER", None)
    with pytest.raises(NotFound):
        core.events.check_unit(principal, "C1B2C3D4E5F60718293A4B5C6D7E8F92")


def test_show_and_list_read_back(core: Core) -> None:
    principal = admin(core)
    (event,) = core.events.create_social_media(
        principal, [new(external_reference="X-1", classification=Ref(alternative_code="SM"))]
    )
    assert isinstance(event, CustomerEvent)
    view = core.events.show_social_media(principal, external_reference="X-1")
    assert view.event == event
    assert view.classification is not None
    assert view.classification.name == "Social Media"
    query = EventQuery(participant=ParticipantRef(number="RP0000000164"), limit=5)
    assert [v.event.id for v in core.events.list_social_media(principal, query)] == [event.id]
    with pytest.raises(ValidationFailed):
        core.events.show_social_media(principal)
    with pytest.raises(ValidationFailed):
        core.events.list_social_media(principal, EventQuery(account=Ref()))


@given(
    st.builds(
        Ref,
        id=st.none() | st.text(max_size=3),
        number=st.none() | st.text(max_size=3),
        name=st.none() | st.text(max_size=3),
        alternative_code=st.none() | st.text(max_size=3),
    )
)
def test_a_ref_is_given_when_it_has_a_where(ref: Ref) -> None:
    assert ref.given() == bool(ref.where())
