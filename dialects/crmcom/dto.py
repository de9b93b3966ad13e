"""CRM.COM wire DTOs; member names are CRM.COM's own (seed 001 and the v4 Web API pages).

Dates travel as strings and are parsed per item, so one badly written date refuses only its
own item. Members are declared in the order CRM.COM writes them.
"""

from __future__ import annotations

from typing import Generic, TypeVar

import msgspec
from msgspec import UNSET, UnsetType

D = TypeVar("D")


class Identifier(msgspec.Struct, kw_only=True):
    """Any identifier object: ``{"number": "ACR0000000164"}``, ``{"name": "Admin Unit"}``..."""

    id: str | None = None
    number: str | None = None
    name: str | None = None
    alternative_code: str | None = None
    external_system_reference_number: str | None = None


class AccessTokenIdentifier(msgspec.Struct, kw_only=True):
    authentication_code: str | None = None
    identifier: str | None = None
    pass_code: str | None = None
    one_time_password: int | None = None


class RewardsParticipantIdentifier(msgspec.Struct, kw_only=True):
    id: str | None = None
    number: str | None = None
    access_token_identifier: AccessTokenIdentifier | None = None


# -- authentication ---------------------------------------------------------------------------


class TokenRequest(msgspec.Struct, kw_only=True):
    username: str | None = None
    password: str | None = None
    organisation: str | None = None
    unit: str | None = None


class WebApiKeyTokenRequest(msgspec.Struct, kw_only=True):
    unit: str | None = None


class ReleaseRequest(msgspec.Struct, kw_only=True):
    token: str | None = None


class Token(msgspec.Struct, kw_only=True):
    token: str


# -- social media customer events ---------------------------------------------------------------


class SocialMediaEvent(msgspec.Struct, kw_only=True):
    """One item of ``social_media_customer_events_set``."""

    request_unique_identifier: str | None = None
    accounts_receivable_identifier: Identifier | None = None
    rewards_participant_identifier: RewardsParticipantIdentifier | None = None
    classification_identifier: Identifier | None = None
    performed_by_unit_identifier: Identifier | None = None
    performed_on: str | None = None
    description: str | None = None
    social_media: str | None = None
    profile: str | None = None
    action: str | None = None
    external_system: str | None = None
    external_system_reference_number: str | None = None
    udf_string_1: str | None = None
    udf_string_2: str | None = None
    udf_string_3: str | None = None
    udf_string_4: str | None = None
    udf_string_5: str | None = None
    udf_string_6: str | None = None
    udf_string_7: str | None = None
    udf_string_8: str | None = None
    udf_float_1: float | None = None
    udf_float_2: float | None = None
    udf_float_3: float | None = None
    udf_float_4: float | None = None
    udf_date_1: str | None = None
    udf_date_2: str | None = None
    udf_date_3: str | None = None
    udf_date_4: str | None = None


class BulkCreateRequest(msgspec.Struct, kw_only=True):
    token: str | None = None
    social_media_customer_events_set: list[SocialMediaEvent] | None = None
    fields_set: str | None = None


class ListRequest(msgspec.Struct, kw_only=True):
    token: str | None = None
    rewards_participant_identifier: RewardsParticipantIdentifier | None = None
    accounts_receivable_identifier: Identifier | None = None
    classification_identifier: Identifier | None = None
    submitted_after_date: str | None = None
    submitted_before_date: str | None = None
    number_of_results: int | None = None
    offset: int | None = None
    fields_set: str | None = None


class ProcessedEvent(msgspec.Struct, kw_only=True, omit_defaults=True):
    number: str | UnsetType = UNSET
    id: str | UnsetType = UNSET
    request_unique_identifier: str | None = None


class UnprocessedEvent(msgspec.Struct, kw_only=True):
    error_description: str
    error_code: str
    request_unique_identifier: str | None


class BulkCreateResult(msgspec.Struct, kw_only=True):
    unprocessed_customer_events_set: list[UnprocessedEvent]
    processed_customer_events_set: list[ProcessedEvent]


# -- read-back ----------------------------------------------------------------------------------


class UnitDto(msgspec.Struct, kw_only=True):
    id: str
    name: str
    alternative_code: str | None


class ClassificationDto(msgspec.Struct, kw_only=True):
    id: str
    name: str
    alternative_code: str | None


class AccountDto(msgspec.Struct, kw_only=True):
    id: str
    number: str
    name: str


class ParticipantDto(msgspec.Struct, kw_only=True):
    id: str
    number: str


class SocialMediaEventDto(msgspec.Struct, kw_only=True, omit_defaults=True):
    """A social media customer event as ``show`` and ``list`` return it; members left out by
    ``fields_set`` are UNSET and not written."""

    id: str | UnsetType = UNSET
    number: str | UnsetType = UNSET
    type: str | UnsetType = UNSET
    life_cycle_state: str | UnsetType = UNSET
    performed_on: str | UnsetType = UNSET
    description: str | UnsetType | None = UNSET
    process_immediately: bool | UnsetType = UNSET
    social_media: str | UnsetType | None = UNSET
    profile: str | UnsetType | None = UNSET
    action: str | UnsetType | None = UNSET
    external_system: str | UnsetType | None = UNSET
    external_system_reference_number: str | UnsetType | None = UNSET
    total_awarded_amount: float | UnsetType = UNSET
    total_awarded_alternative_amount: float | UnsetType = UNSET
    udf_string_1: str | UnsetType | None = UNSET
    udf_string_2: str | UnsetType | None = UNSET
    udf_string_3: str | UnsetType | None = UNSET
    udf_string_4: str | UnsetType | None = UNSET
    udf_string_5: str | UnsetType | None = UNSET
    udf_string_6: str | UnsetType | None = UNSET
    udf_string_7: str | UnsetType | None = UNSET
    udf_string_8: str | UnsetType | None = UNSET
    udf_float_1: float | UnsetType | None = UNSET
    udf_float_2: float | UnsetType | None = UNSET
    udf_float_3: float | UnsetType | None = UNSET
    udf_float_4: float | UnsetType | None = UNSET
    udf_date_1: str | UnsetType | None = UNSET
    udf_date_2: str | UnsetType | None = UNSET
    udf_date_3: str | UnsetType | None = UNSET
    udf_date_4: str | UnsetType | None = UNSET
    classification: ClassificationDto | UnsetType | None = UNSET
    performed_by_unit: UnitDto | UnsetType | None = UNSET
    accounts_receivable: AccountDto | UnsetType | None = UNSET
    rewards_participant: ParticipantDto | UnsetType | None = UNSET


# -- the envelope -------------------------------------------------------------------------------


class Status(msgspec.Struct, kw_only=True):
    code: str
    description: str
    message: str


class Envelope(msgspec.Struct, Generic[D], kw_only=True):
    """Every CRM.COM answer: ``data`` first, then ``status`` (seed 001)."""

    data: D
    status: Status


class ShowQuery(msgspec.Struct, kw_only=True):
    """The query of ``customer_events/social_media/show``."""

    token: str
    customer_event_identifier: str
    fields_set: str | None = None


OK = Status(code="OK", description="", message="")
