"""BokaMera DTOs <-> core customers: requests as a core patch or query (``to_patch``,
``to_query``), profiles and pages as answers, core field paths as BokaMera member names in
error answers (``wire_errors``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from uuid import UUID

from core.errors import FieldError, ValidationFailed
from core.models import CustomField
from core.models import InvoiceAddress as CoreAddress
from core.services.customer_extras import AccessKeyInput, CustomFieldView
from core.services.customers import CustomerPatch
from core.services.profiles import CustomerQuery as CoreQuery
from core.services.profiles import Profile, QueryPage
from dialects.formats.dotnet import NetDateTime
from dialects.servicestack.bokamera.dto import (
    NIL,
    CustomerCommentsResponse,
    CustomerQuery,
    CustomerQueryResponse,
    CustomFieldConfigData,
    CustomFieldDataResponse,
    CustomFieldValueResponse,
    InvoiceAddress,
    QueryResponseOfCustomerQueryResponse,
    UpdateCustomer,
    UserAccessKeys,
)

#: core customer fields (and the property names core reports them under) -> wire members
_FIELDS = {
    "first_name": "Firstname",
    "First Name": "Firstname",
    "last_name": "Lastname",
    "Last Name": "Lastname",
    "email": "Email",
    "Email": "Email",
    "phone": "Phone",
    "Phone": "Phone",
    "order_by": "OrderBy",
    "skip": "Skip",
}
_SORT = {
    "id": "id",
    "firstname": "first_name",
    "lastname": "last_name",
    "email": "email",
    "phone": "phone",
    "created": "created",
    "updated": "updated",
}
_KEY_MEMBER = re.compile(r"access_keys\[(\d+)\]\.(\w+)")


def guid(value: UUID | None) -> UUID | None:
    """.NET's ``Guid.Empty`` means "not given"."""
    return None if value is None or value == NIL else value


_date: Callable[[datetime], NetDateTime] = NetDateTime.from_datetime


def _pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def to_patch(dto: UpdateCustomer) -> CustomerPatch:
    """None leaves a member as it is; an empty string clears it."""
    patch = CustomerPatch()
    for member, name in (
        ("Firstname", "first_name"),
        ("Lastname", "last_name"),
        ("Phone", "phone"),
        ("Email", "email"),
    ):
        value = getattr(dto, member)
        if value is not None:
            setattr(patch, name, value.strip())
    if dto.SubscribedToNewsletter is not None:
        patch.subscribed_to_newsletter = dto.SubscribedToNewsletter
    if dto.InvoiceAddress is not None:
        a = dto.InvoiceAddress
        patch.invoice_address = CoreAddress(
            corporate_identity_number=a.CorporateIdentityNumber,
            address1=a.InvoiceAddress1,
            address2=a.InvoiceAddress2,
            city=a.InvoiceCity,
            postal_code=a.InvoicePostalCode,
            country_code=a.InvoiceCountryCode,
        )
    if dto.CustomFields is not None:
        patch.custom_values = {f.Id: f.Value or "" for f in dto.CustomFields}
    if dto.AccessKeys is not None:
        patch.access_keys = [
            AccessKeyInput(
                access_key_type_id=k.AccessKeyTypeId,
                value=k.Value or "",
                description=k.Description,
                id=guid(k.Id),
                customer_id=guid(k.CustomerId),
                company_id=guid(k.CompanyId),
            )
            for k in dto.AccessKeys
        ]
    if dto.AccessKeysToDelete is not None:
        patch.access_keys_to_delete = [
            key for key in (guid(k.Id) for k in dto.AccessKeysToDelete) if key is not None
        ]
    return patch


def wire_errors(exc: ValidationFailed, dto: UpdateCustomer | None = None) -> ValidationFailed:
    """The same failures named by BokaMera's members (``CustomFields[0].Value``)."""
    positions = {f.Id: i for i, f in enumerate((dto and dto.CustomFields) or [])}
    renamed = []
    for e in exc.errors:
        field = _FIELDS.get(e.field)
        if field is None and e.field.startswith("custom_fields["):
            field_id = int(e.field[len("custom_fields[") : -1])
            field = f"CustomFields[{positions.get(field_id, 0)}].Value"
        if field is None and (m := _KEY_MEMBER.fullmatch(e.field)):
            field = f"AccessKeys[{m.group(1)}].{_pascal(m.group(2))}"
        if field is None and e.field.startswith("access_keys_to_delete["):
            field = "AccessKeysToDelete" + e.field[len("access_keys_to_delete") :] + ".Id"
        renamed.append(FieldError(field or e.field, e.code, e.message, e.params))
    return ValidationFailed(renamed)


def to_query(dto: CustomerQuery) -> CoreQuery:
    order: list[str] = []
    for raw, descending in ((dto.OrderBy, False), (dto.OrderByDesc, True)):
        for item in (raw or "").split(","):
            name = item.strip()
            if not name:
                continue
            desc = descending != name.startswith("-")
            key = _SORT.get(name.lstrip("-").lower(), name.lstrip("-"))
            order.append(("-" if desc else "") + key)
    return CoreQuery(
        company_id=guid(dto.CompanyId),
        id=guid(dto.Id),
        email=dto.Email,
        phone=dto.Phone,
        text=dto.Search,
        skip=dto.Skip or 0,
        take=dto.Take,
        order_by=tuple(order),
    )


def _config(d: CustomField) -> CustomFieldConfigData:
    return CustomFieldConfigData(
        Id=d.id,
        Name=d.name,
        Description=d.description,
        Width=d.width,
        DataType=d.data_type,
        DefaultValue=d.default_value,
        IsMandatory=d.is_mandatory,
        MandatoryErrorMessage=d.mandatory_error_message,
        MaxLength=d.max_length,
        MultipleLineText=d.multiple_line_text,
        RegEx=d.regex,
        RegExErrorMessage=d.regex_error_message,
        Values=[CustomFieldValueResponse(Value=v) for v in d.values],
    )


class _Configs:
    """The ``CustomFieldConfigData`` of each custom field definition the core handed out,
    made once: the core's read cache hands out the same (frozen) definition object while the
    definition holds, and every answer about a customer of that company lists it. Kept by
    identity with the definition itself (so its id cannot be taken by another object while
    kept), bounded in count. The answers share the DTOs: nothing changes an answer DTO."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._known: dict[int, tuple[CustomField, CustomFieldConfigData]] = {}

    def __call__(self, d: CustomField) -> CustomFieldConfigData:
        known = self._known.get(id(d))
        if known is not None and known[0] is d:
            return known[1]
        if len(self._known) >= self.size:
            self._known.clear()
        made = _config(d)
        self._known[id(d)] = (d, made)
        return made

    def of_fields(self, fields: Iterable[CustomFieldView]) -> list[CustomFieldConfigData]:
        """The config of each field's definition, in order (one kept is looked up in place)."""
        known, out = self._known, []
        for f in fields:
            d = f.definition
            kept = known.get(id(d))
            out.append(kept[1] if kept is not None and kept[0] is d else self(d))
        return out


config_of = _Configs()


def customer_response(profile: Profile) -> CustomerQueryResponse:
    c, extras = profile.customer, profile.extras
    address = c.invoice_address
    return CustomerQueryResponse(
        Id=c.id,
        Firstname=c.first_name,
        Lastname=c.last_name,
        Email=c.email,
        Phone=c.phone,
        ImageUrl=c.image_url,
        CustomFields=config_of.of_fields(extras.custom_fields),
        CustomFieldValues=[
            CustomFieldDataResponse(
                Id=f.definition.id,
                Column=f.definition.column,
                Name=f.definition.name,
                Description=f.definition.description,
                Value=f.value,
                DataType=f.definition.data_type,
            )
            for f in extras.custom_fields
            if f.value is not None
        ],
        Comments=[
            CustomerCommentsResponse(
                Id=x.id,
                CustomerId=x.customer_id,
                Comments=x.text,
                Updated=_date(x.updated),
                Created=_date(x.created),
                ImageUrl=x.image_url,
            )
            for x in extras.comments
        ],
        AccessKeys=[
            UserAccessKeys(
                CompanyId=k.company_id,
                AccessKeyTypeId=k.access_key_type_id,
                Value=k.value,
                CustomerId=k.customer_id,
                Description=k.description,
                Id=k.id,
            )
            for k in extras.access_keys
        ],
        Updated=_date(c.updated),
        Created=_date(c.created),
        SubscribedToNewsletter=c.subscribed_to_newsletter,
        InvoiceAddress=None
        if address is None
        else InvoiceAddress(
            CorporateIdentityNumber=address.corporate_identity_number,
            InvoiceAddress1=address.address1,
            InvoiceAddress2=address.address2,
            InvoiceCity=address.city,
            InvoicePostalCode=address.postal_code,
            InvoiceCountryCode=address.country_code,
        ),
    )


def query_response(page: QueryPage) -> QueryResponseOfCustomerQueryResponse:
    return QueryResponseOfCustomerQueryResponse(
        Offset=page.offset,
        Total=page.total,
        Results=[customer_response(p) for p in page.results],
    )
