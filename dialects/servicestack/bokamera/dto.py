"""BokaMera (api.bokamera.se) wire DTOs, named and typed as seed 004's metadata page shows them."""

from __future__ import annotations

from typing import ClassVar
from uuid import UUID

import msgspec

from dialects.formats.datacontract import generic_contract_name
from dialects.formats.dotnet import DATETIME_MIN, NetDateTime
from dialects.servicestack.dto import Dto, ResponseStatus

#: CLR namespace of BokaMera's DTOs (``namespace BokaMera.API.ServiceModel.Dtos`` on
#: api.bokamera.se/json/metadata?op=UpdateCustomer&lang=csharp).
NAMESPACE = "http://schemas.datacontract.org/2004/07/BokaMera.API.ServiceModel.Dtos"
#: Guid.Empty: what a non-nullable Guid holds when not given (BokaMera leaves it out).
NIL = UUID(int=0)
#: DateTime.MinValue as a factory default (a JSON schema has no form for the value itself).
DATETIME_MIN_FIELD = msgspec.field(default_factory=lambda: DATETIME_MIN)


class BokaMeraDto(Dto):
    """Members typed ``Guid`` / ``DateTime`` (not nullable) on the metadata page default to
    Guid.Empty / DateTime.MinValue, which BokaMera's writers leave out (seed 004)."""

    xml_namespace: ClassVar[str] = NAMESPACE


class AddCustomField(BokaMeraDto):
    Id: int = 0
    Value: str | None = None


class AddUserAccessKey(BokaMeraDto):
    Id: UUID | None = None
    CompanyId: UUID | None = None
    AccessKeyTypeId: int = 0
    Value: str | None = None
    CustomerId: UUID | None = None
    Description: str | None = None


class DeleteUserAccessKey(BokaMeraDto):
    Id: UUID = NIL


class InvoiceAddress(BokaMeraDto):
    CorporateIdentityNumber: str | None = None
    InvoiceAddress1: str | None = None
    InvoiceAddress2: str | None = None
    InvoiceCity: str | None = None
    InvoicePostalCode: str | None = None
    InvoiceCountryCode: str | None = None


class UpdateCustomer(BokaMeraDto):
    CompanyId: UUID | None = None
    Id: UUID = NIL
    Firstname: str | None = None
    Lastname: str | None = None
    Phone: str | None = None
    Email: str | None = None
    CustomFields: list[AddCustomField] | None = None
    AccessKeys: list[AddUserAccessKey] | None = None
    AccessKeysToDelete: list[DeleteUserAccessKey] | None = None
    SubscribedToNewsletter: bool | None = None
    InvoiceAddress: InvoiceAddress | None = None


class CustomFieldValueResponse(BokaMeraDto):
    Value: str | None = None


class CustomFieldConfigData(BokaMeraDto):
    """A custom field's definition, as every answer about a customer of its company lists it.
    Shared (``mapping.config_of``: one instance per definition, never changed once made), so
    the JSON writer keeps each one's bytes (``dialects.formats.ssjson``)."""

    shared_instances: ClassVar[bool] = True

    Id: int = 0
    Name: str | None = None
    Description: str | None = None
    Width: int | None = None
    DataType: str | None = None
    DefaultValue: str | None = None
    IsMandatory: bool = False
    MandatoryErrorMessage: str | None = None
    MaxLength: int = 0
    MultipleLineText: bool = False
    RegEx: str | None = None
    RegExErrorMessage: str | None = None
    Values: list[CustomFieldValueResponse] | None = None


class CustomFieldDataResponse(BokaMeraDto):
    Id: int = 0
    Column: str | None = None
    Name: str | None = None
    Description: str | None = None
    Value: str | None = None
    DataType: str | None = None


class CustomerCommentsResponse(BokaMeraDto):
    Id: int = 0
    CustomerId: UUID = NIL
    Comments: str | None = None
    Updated: NetDateTime = DATETIME_MIN_FIELD
    Created: NetDateTime = DATETIME_MIN_FIELD
    ImageUrl: str | None = None


class UserAccessKeys(BokaMeraDto):
    CompanyId: UUID = NIL
    AccessKeyTypeId: int = 0
    Value: str | None = None
    CustomerId: UUID = NIL
    Description: str | None = None
    Id: UUID = NIL


class CustomerQueryResponse(BokaMeraDto):
    Id: UUID = NIL
    Firstname: str | None = None
    Lastname: str | None = None
    Email: str | None = None
    Phone: str | None = None
    ImageUrl: str | None = None
    CustomFields: list[CustomFieldConfigData] | None = None
    CustomFieldValues: list[CustomFieldDataResponse] | None = None
    Comments: list[CustomerCommentsResponse] | None = None
    AccessKeys: list[UserAccessKeys] | None = None
    Updated: NetDateTime = DATETIME_MIN_FIELD
    Created: NetDateTime = DATETIME_MIN_FIELD
    ResponseStatus: ResponseStatus | None = None
    SubscribedToNewsletter: bool = False
    InvoiceAddress: InvoiceAddress | None = None


class CustomerQuery(BokaMeraDto):
    """``GET /customers``: AutoQuery-style paging (Skip, Take, OrderBy) over the company's
    customers; ``Search`` matches names, e-mail and phone."""

    CompanyId: UUID | None = None
    Id: UUID | None = None
    Email: str | None = None
    Phone: str | None = None
    Search: str | None = None
    Skip: int | None = None
    Take: int | None = None
    OrderBy: str | None = None
    OrderByDesc: str | None = None


class QueryResponseOfCustomerQueryResponse(BokaMeraDto):
    """ServiceStack's ``QueryResponse<CustomerQueryResponse>``."""

    #: .NET's generic contract name, digest included (api.bokamera.se/xml/metadata
    #: ?op=EAccountingCustomerQuery shows ``QueryResponseOf...Wg5EthtI`` for a Dtos argument).
    xml_name: ClassVar[str] = generic_contract_name(
        "QueryResponse", ("CustomerQueryResponse", NAMESPACE)
    )
    #: How ``/types`` and the metadata pages name it (ServiceStack's generic type).
    reference_name: ClassVar[str] = "QueryResponse<CustomerQueryResponse>"
    #: ``[DataMember(Order = 1..5)]`` in ServiceStack.Interfaces ``IQuery.cs``.
    xml_order: ClassVar[dict[str, int]] = {
        "Offset": 1,
        "Total": 2,
        "Results": 3,
        "Meta": 4,
        "ResponseStatus": 5,
    }
    xml_namespace: ClassVar[str] = "http://schemas.servicestack.net/types"

    Offset: int = 0
    Total: int = 0
    Results: list[CustomerQueryResponse] | None = None
    Meta: dict[str, str] | None = None
    ResponseStatus: ResponseStatus | None = None
