"""CRM.COM DTOs <-> core: requests read into core inputs and queries (``to_*``), core views
written as answers (``bulk_result``, ``event_dto``), dates in CRM.COM's own format."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import msgspec
from msgspec import UNSET

from core.errors import CoreError, ValidationFailed
from core.models import CustomerEvent
from core.services.events import EventQuery, EventView, NewSocialMediaEvent
from core.services.references import ParticipantRef, Ref, TokenRef, invalid, required
from dialects.crmcom.dto import (
    AccountDto,
    BulkCreateResult,
    ClassificationDto,
    Identifier,
    ListRequest,
    ParticipantDto,
    ProcessedEvent,
    RewardsParticipantIdentifier,
    SocialMediaEvent,
    SocialMediaEventDto,
    UnitDto,
    UnprocessedEvent,
)
from dialects.crmcom.errors import failure

#: What a stored social media event is, in CRM.COM's words.
EVENT_TYPE = "SOCIAL_MEDIA"
LIFE_CYCLE_STATE = "POSTED"
# Events are created without ``process_immediately`` (not processed immediately is CRM.COM's
# default, V4Manual "Social Media Customer Event") and crmgate runs no reward offers, so
# nothing is ever awarded: ``process_immediately`` false and the awarded totals 0.


def parse_date(field: str, raw: str) -> datetime:
    """CRM.COM dates: ISO 8601, date or date and time; no offset means UTC."""
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise ValidationFailed([invalid(field, raw)]) from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def format_date(value: datetime) -> str:
    """Written back the way seed 001 writes them: UTC, seconds, no offset."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _optional_date(field: str, raw: str | None) -> datetime | None:
    return None if raw is None or not raw.strip() else parse_date(field, raw)


def to_ref(identifier: Identifier | None) -> Ref | None:
    if identifier is None:
        return None
    return Ref(
        id=identifier.id,
        number=identifier.number,
        name=identifier.name,
        alternative_code=identifier.alternative_code,
    )


def to_participant_ref(identifier: RewardsParticipantIdentifier | None) -> ParticipantRef | None:
    if identifier is None:
        return None
    token = identifier.access_token_identifier
    return ParticipantRef(
        id=identifier.id,
        number=identifier.number,
        access_token=None
        if token is None
        else TokenRef(
            authentication_code=token.authentication_code,
            identifier=token.identifier,
            pass_code=token.pass_code,
            one_time_password=token.one_time_password,
        ),
    )


def to_new_event(item: SocialMediaEvent) -> NewSocialMediaEvent:
    """One bulk item as a core command; a date that is not a date refuses the item."""
    if not item.request_unique_identifier:
        raise ValidationFailed([required("request_unique_identifier")])
    return NewSocialMediaEvent(
        account=to_ref(item.accounts_receivable_identifier),
        participant=to_participant_ref(item.rewards_participant_identifier),
        classification=to_ref(item.classification_identifier),
        unit=to_ref(item.performed_by_unit_identifier),
        performed_on=_optional_date("performed_on", item.performed_on),
        description=item.description,
        social_media=item.social_media,
        profile=item.profile,
        action=item.action,
        external_system=item.external_system,
        external_reference=item.external_system_reference_number,
        udf_strings=[getattr(item, f"udf_string_{i}") for i in range(1, 9)],
        udf_floats=[getattr(item, f"udf_float_{i}") for i in range(1, 5)],
        udf_dates=[
            _optional_date(f"udf_date_{i}", getattr(item, f"udf_date_{i}")) for i in range(1, 5)
        ],
    )


def fields_set(raw: str | None) -> frozenset[str] | None:
    """``fields_set``: comma separated member names; None or blank means every member."""
    if raw is None or not raw.strip():
        return None
    return frozenset(name.strip() for name in raw.split(",") if name.strip())


def bulk_result(
    items: Sequence[SocialMediaEvent],
    results: Sequence[CustomerEvent | CoreError],
    fields: frozenset[str] | None,
) -> BulkCreateResult:
    """Processed and unprocessed items, each in request order; ``fields`` picks id/number."""
    processed: list[ProcessedEvent] = []
    unprocessed: list[UnprocessedEvent] = []
    for item, result in zip(items, results, strict=True):
        rid = item.request_unique_identifier
        if isinstance(result, CoreError):
            f = failure(result)
            unprocessed.append(
                UnprocessedEvent(
                    error_description=f.text, error_code=f.code, request_unique_identifier=rid
                )
            )
            continue
        processed.append(
            ProcessedEvent(
                number=str(result.number) if fields is None or "number" in fields else UNSET,
                id=result.id if fields is None or "id" in fields else UNSET,
                request_unique_identifier=rid,
            )
        )
    return BulkCreateResult(
        unprocessed_customer_events_set=unprocessed, processed_customer_events_set=processed
    )


def event_dto(view: EventView, fields: frozenset[str] | None) -> SocialMediaEventDto:
    """A stored event as show/list write it; members outside ``fields`` are left out."""
    e = view.event
    strings = [*e.udf_strings, *[None] * 8][:8]
    floats = [*e.udf_floats, *[None] * 4][:4]
    dates = [format_date(d) if d else None for d in [*e.udf_dates, *[None] * 4][:4]]
    dto = SocialMediaEventDto(
        id=e.id,
        number=str(e.number),
        type=EVENT_TYPE,
        life_cycle_state=LIFE_CYCLE_STATE,
        performed_on=format_date(e.performed_on),
        description=e.description,
        process_immediately=False,
        social_media=e.social_media,
        profile=e.profile,
        action=e.action,
        external_system=e.external_system,
        external_system_reference_number=e.external_reference,
        total_awarded_amount=0.0,
        total_awarded_alternative_amount=0.0,
        **{f"udf_string_{i + 1}": v for i, v in enumerate(strings)},
        **{f"udf_float_{i + 1}": v for i, v in enumerate(floats)},
        **{f"udf_date_{i + 1}": v for i, v in enumerate(dates)},
        classification=None
        if view.classification is None
        else ClassificationDto(
            id=view.classification.id,
            name=view.classification.name,
            alternative_code=view.classification.alternative_code,
        ),
        performed_by_unit=None
        if view.unit is None
        else UnitDto(
            id=view.unit.id, name=view.unit.name, alternative_code=view.unit.alternative_code
        ),
        accounts_receivable=None
        if view.account is None
        else AccountDto(id=view.account.id, number=view.account.number, name=view.account.name),
        rewards_participant=None
        if view.participant is None
        else ParticipantDto(id=view.participant.id, number=view.participant.number),
    )
    if fields is None:
        return dto
    unset = {name: UNSET for name in dto.__struct_fields__ if name not in fields}
    return msgspec.structs.replace(dto, **unset)


def to_query(request: ListRequest) -> EventQuery:
    offset = request.offset or 0
    if offset < 0 or (request.number_of_results is not None and request.number_of_results < 0):
        bad = offset if offset < 0 else request.number_of_results
        raise ValidationFailed([invalid("offset" if offset < 0 else "number_of_results", bad)])
    return EventQuery(
        account=to_ref(request.accounts_receivable_identifier),
        participant=to_participant_ref(request.rewards_participant_identifier),
        classification=to_ref(request.classification_identifier),
        submitted_after=_optional_date("submitted_after_date", request.submitted_after_date),
        submitted_before=_optional_date("submitted_before_date", request.submitted_before_date),
        limit=request.number_of_results,
        offset=offset,
    )
