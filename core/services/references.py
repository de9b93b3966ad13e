"""Identifier objects and how they resolve: every entity is looked up within the principal's
company, by any of the identifier fields given (all of them must match).
"""

from __future__ import annotations

from typing import Any, TypeVar
from uuid import UUID

import msgspec

from core.errors import FieldError, NotFound, ValidationFailed
from core.models import AccessToken, AccountReceivable, Customer, Principal, RewardsParticipant
from core.passwords import verify_password
from core.store import Store

T = TypeVar("T")


class Ref(msgspec.Struct, frozen=True, kw_only=True):
    """Identifies one entity; every field given must match."""

    id: str | None = None
    number: str | None = None
    name: str | None = None
    alternative_code: str | None = None

    def where(self) -> dict[str, str]:
        return {k: v for k, v in msgspec.structs.asdict(self).items() if v is not None}

    def given(self) -> bool:
        """Whether any field is given (``where()`` is not empty), without building it."""
        return not (
            self.id is None
            and self.number is None
            and self.name is None
            and self.alternative_code is None
        )

    def label(self) -> str:
        return next(iter(self.where().values()), "")


class TokenRef(msgspec.Struct, frozen=True, kw_only=True):
    """A rewards participant's access token: by code, by identifier and pass code, or by OTP."""

    authentication_code: str | None = None
    identifier: str | None = None
    pass_code: str | None = None
    one_time_password: int | None = None


class ParticipantRef(msgspec.Struct, frozen=True, kw_only=True):
    id: str | None = None
    number: str | None = None
    access_token: TokenRef | None = None


def required(field: str) -> FieldError:
    return FieldError(field, "required", f"{field} is mandatory")


def invalid(field: str, value: object) -> FieldError:
    return FieldError(field, "invalid", f"invalid {field}", {"value": str(value)})


def is_given(ref: ParticipantRef) -> bool:
    return bool(ref.id or ref.number or ref.access_token)


def get_customer(store: Store, customer_id: Any) -> Customer:
    customer = store.get(Customer, customer_id)
    if customer is None:  # the schema's foreign keys make this a broken database
        raise NotFound("customer", customer_id)
    return customer


class Lookup:
    """Finds referenced entities in the principal's company, remembering them for one call."""

    def __init__(self, store: Store, principal: Principal) -> None:
        self.store = store
        self.company_id = principal.company_id
        self._seen: dict[tuple[Any, ...], Any] = {}

    def one(self, model: type[T], kind: str, ref: Ref) -> T:
        key = (model, ref)  # a frozen Ref: equal when the same fields are given alike
        if key not in self._seen:
            where = ref.where()
            fields = model.__struct_fields__  # type: ignore[attr-defined]
            if any(name not in fields for name in where):
                raise NotFound(kind, ref.label())
            found = self.store.find(model, company_id=self.company_id, limit=1, **where)
            if not found:
                raise NotFound(kind, ref.label())
            self._seen[key] = found[0]
        return self._seen[key]

    def customer(self, customer_id: Any) -> Customer:
        key = (Customer, customer_id)
        if key not in self._seen:
            self._seen[key] = get_customer(self.store, customer_id)
        return self._seen[key]

    def participant(self, ref: ParticipantRef) -> RewardsParticipant:
        if ref.id is not None or ref.number is not None:
            by = Ref(id=ref.id, number=ref.number)
            participant = self.one(RewardsParticipant, "rewards_participant", by)
            if ref.access_token is None:
                return participant
            token_owner = self._by_token(ref.access_token)
            if token_owner.id != participant.id:
                raise ValidationFailed([invalid("access_token", by.label())])
            return participant
        assert ref.access_token is not None  # is_given
        return self._by_token(ref.access_token)

    def _by_token(self, ref: TokenRef) -> RewardsParticipant:
        where: dict[str, Any] = {}
        if ref.authentication_code is not None:
            where["authentication_code"] = ref.authentication_code
        if ref.identifier is not None:
            where["identifier"] = ref.identifier
        if ref.one_time_password is not None:
            where["one_time_password"] = ref.one_time_password
        label = ref.authentication_code or ref.identifier or str(ref.one_time_password or "")
        if not where:
            raise ValidationFailed([required("access_token")])
        found = self.store.find(
            AccessToken, company_id=self.company_id, effective=True, limit=1, **where
        )
        if not found:
            raise NotFound("access_token", label)
        token = found[0]
        if ref.identifier is not None and not verify_password(
            ref.pass_code or "", token.pass_code_hash or ""
        ):
            raise ValidationFailed([invalid("pass_code", ref.identifier)])
        return self.one(RewardsParticipant, "rewards_participant", Ref(id=token.participant_id))

    def holder(
        self, account_ref: Ref | None, participant_ref: ParticipantRef | None
    ) -> tuple[AccountReceivable | None, RewardsParticipant | None, UUID]:
        """The account, rewards participant and customer an event is for; each completes the
        other, so an event made through either reads back through both."""
        account = (
            self.one(AccountReceivable, "account", account_ref)
            if account_ref and account_ref.given()
            else None
        )
        participant = (
            self.participant(participant_ref)
            if participant_ref and is_given(participant_ref)
            else None
        )
        if participant is not None:
            if account is not None and participant.account_id not in (None, account.id):
                raise ValidationFailed([invalid("rewards_participant", participant.number)])
            if account is None and participant.account_id:
                account = self.store.get(AccountReceivable, participant.account_id)
            return account, participant, participant.customer_id
        if account is None:
            raise ValidationFailed([required("account_or_participant")])
        key = (RewardsParticipant, "account", account.id)
        if key not in self._seen:
            found = self.store.find(RewardsParticipant, account_id=account.id, limit=1)
            self._seen[key] = found[0] if found else None
        return account, self._seen[key], account.customer_id
