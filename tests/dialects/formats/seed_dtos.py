"""The seeds' DTOs as test-local Structs (the dialects declare their own) and sample values."""

from __future__ import annotations

import uuid
from typing import ClassVar

import msgspec

from dialects.formats.datacontract import datacontract_namespace
from dialects.formats.dotnet import DATETIME_MIN, NetDateTime, NetEnum, camel_case

NIL = uuid.UUID(int=0)
SERVICESTACK_TYPES = "http://schemas.servicestack.net/types"

# -- seed 000: ASP.NET Web API, CusSocialAccountDto -----------------------------------------

DOMAIN_DTOS = datacontract_namespace("Domain.Dtos")


class SocialProvider(NetEnum):
    Facebook = 0
    Twitter = 1


class LikedMessage(msgspec.Struct, rename=camel_case):
    xml_namespace: ClassVar[str] = DOMAIN_DTOS
    Text: str | None = None
    Date: NetDateTime = DATETIME_MIN


class CusSocialAccountDto(msgspec.Struct, rename=camel_case):
    xml_namespace: ClassVar[str] = DOMAIN_DTOS
    Id: uuid.UUID = NIL
    OrganizationCode: str | None = None
    ExternalId: str | None = None
    ExternalName: str | None = None
    ExternalLink: str | None = None
    LastConnectionDate: NetDateTime = DATETIME_MIN
    LastSyncDate: NetDateTime = DATETIME_MIN
    Followers: int = 0
    IsFollowingOrgAccount: bool = False
    AccessToken: str | None = None
    SecretAccessToken: str | None = None
    Provider: SocialProvider = SocialProvider.Facebook
    IsTokenValid: bool = False
    CustomerId: uuid.UUID = NIL
    LikedMessages: list[LikedMessage] | None = None


SAMPLE_DATE = NetDateTime.parse("2026-02-04T03:11:32.7341981+00:00")
SOCIAL_ACCOUNT = CusSocialAccountDto(
    Id=uuid.UUID("4f9e02de-cbbc-41ad-ad3f-16c6cb968ef4"),
    OrganizationCode="sample string 2",
    ExternalId="sample string 3",
    ExternalName="sample string 4",
    ExternalLink="sample string 5",
    LastConnectionDate=SAMPLE_DATE,
    LastSyncDate=SAMPLE_DATE,
    Followers=7,
    IsFollowingOrgAccount=True,
    AccessToken="sample string 9",
    SecretAccessToken="sample string 10",
    Provider=SocialProvider.Facebook,
    IsTokenValid=True,
    CustomerId=uuid.UUID("11078e67-adf5-4306-a903-481ed7aa8c0e"),
    LikedMessages=[LikedMessage("sample string 1", SAMPLE_DATE)] * 2,
)

# -- ServiceStack's own types ----------------------------------------------------------------


class ResponseError(msgspec.Struct):
    xml_namespace: ClassVar[str] = SERVICESTACK_TYPES
    xml_order: ClassVar[dict[str, int]] = {"ErrorCode": 1, "FieldName": 2, "Message": 3, "Meta": 4}
    ErrorCode: str | None = None
    FieldName: str | None = None
    Message: str | None = None
    Meta: dict[str, str] | None = None


class ResponseStatus(msgspec.Struct):
    xml_namespace: ClassVar[str] = SERVICESTACK_TYPES
    xml_order: ClassVar[dict[str, int]] = {
        "ErrorCode": 1,
        "Message": 2,
        "StackTrace": 3,
        "Errors": 4,
        "Meta": 5,
    }
    ErrorCode: str | None = None
    Message: str | None = None
    StackTrace: str | None = None
    Errors: list[ResponseError] | None = None
    Meta: dict[str, str] | None = None


# -- seed 002: ServiceStack PF, ContactConnectedLinks -----------------------------------------

PF_MODEL = datacontract_namespace("Eros.Subtle.Canvara.WebAPIModel.ServiceModel")


class ContactConnectedLinks(msgspec.Struct):
    xml_namespace: ClassVar[str] = PF_MODEL
    ContactId: uuid.UUID = NIL


class UserRoleModel(msgspec.Struct):
    xml_namespace: ClassVar[str] = PF_MODEL
    ContactRoleId: uuid.UUID = NIL
    RoleId: uuid.UUID = NIL
    RoleName: str | None = None
    RolePrimaryImageURL: str | None = None
    RolePrimaryImageThumbnailURL: str | None = None
    RolePrimaryImageId: uuid.UUID = NIL
    StartDate: NetDateTime = DATETIME_MIN
    EndDate: NetDateTime | None = None


class UserContactConnectionModel(msgspec.Struct):
    xml_namespace: ClassVar[str] = PF_MODEL
    ContactRoleId: uuid.UUID = NIL
    ContactRoleName: str | None = None
    ContactListItemRoleId: uuid.UUID = NIL
    ContactRolePrimaryImageURL: str | None = None
    ContactRolePrimaryImageThumbnailURL: str | None = None
    ContactRolePrimaryImageId: uuid.UUID = NIL
    ConnectionContactId: uuid.UUID = NIL
    ConnectionContactName: str | None = None
    ConnectionContactRoleName: str | None = None
    ConnectionContactRoleId: uuid.UUID = NIL
    ConnectionContactListItemRoleId: uuid.UUID = NIL
    ContactTypeName: str | None = None
    ConnectionContactPhotoURL: str | None = None
    IsContactLicenseeRole: bool = False
    IsConnectionLicenseeRole: bool = False
    ConnectionStatusName: str | None = None
    ConnectionStatusId: uuid.UUID = NIL
    ConnectionId: uuid.UUID = NIL
    ConnectionRequestId: uuid.UUID = NIL


class ContactEmailAddress(msgspec.Struct):
    xml_namespace: ClassVar[str] = PF_MODEL
    ContactId: uuid.UUID = NIL
    ContactName: str | None = None
    EmailAddress: str | None = None
    ContactPhotoURL: str | None = None


class ContactConnectedLinksResponse(msgspec.Struct):
    xml_namespace: ClassVar[str] = PF_MODEL
    Roles: list[UserRoleModel] | None = None
    ContactConnections: list[UserContactConnectionModel] | None = None
    EmailAddressBook: list[ContactEmailAddress] | None = None
    ResponseStatus: ResponseStatus | None = None


S = "String"
LINKS_RESPONSE = ContactConnectedLinksResponse(
    Roles=[
        UserRoleModel(
            RoleName=S,
            RolePrimaryImageURL=S,
            RolePrimaryImageThumbnailURL=S,
            EndDate=DATETIME_MIN,
        )
    ],
    ContactConnections=[
        UserContactConnectionModel(
            ContactRoleName=S,
            ContactRolePrimaryImageURL=S,
            ContactRolePrimaryImageThumbnailURL=S,
            ConnectionContactName=S,
            ConnectionContactRoleName=S,
            ContactTypeName=S,
            ConnectionContactPhotoURL=S,
            ConnectionStatusName=S,
        )
    ],
    EmailAddressBook=[ContactEmailAddress(ContactName=S, EmailAddress=S, ContactPhotoURL=S)],
    ResponseStatus=ResponseStatus(
        ErrorCode=S,
        Message=S,
        StackTrace=S,
        Errors=[ResponseError(S, S, S, {S: S})],
        Meta={S: S},
    ),
)

# -- seed 004: ServiceStack BokaMera, UpdateCustomer -> CustomerQueryResponse ------------------


class AddCustomField(msgspec.Struct):
    Id: int = 0
    Value: str | None = None


class AddUserAccessKey(msgspec.Struct):
    Id: uuid.UUID | None = None
    CompanyId: uuid.UUID | None = None
    AccessKeyTypeId: int = 0
    Value: str | None = None
    CustomerId: uuid.UUID | None = None
    Description: str | None = None


class DeleteUserAccessKey(msgspec.Struct):
    Id: uuid.UUID = NIL


class InvoiceAddress(msgspec.Struct):
    CorporateIdentityNumber: str | None = None
    InvoiceAddress1: str | None = None
    InvoiceAddress2: str | None = None
    InvoiceCity: str | None = None
    InvoicePostalCode: str | None = None
    InvoiceCountryCode: str | None = None


class UpdateCustomer(msgspec.Struct):
    CompanyId: uuid.UUID | None = None
    Id: uuid.UUID = NIL
    Firstname: str | None = None
    Lastname: str | None = None
    Phone: str | None = None
    Email: str | None = None
    CustomFields: list[AddCustomField] | None = None
    AccessKeys: list[AddUserAccessKey] | None = None
    AccessKeysToDelete: list[DeleteUserAccessKey] | None = None
    SubscribedToNewsletter: bool | None = None
    InvoiceAddress: InvoiceAddress | None = None


SAMPLE_ADDRESS = InvoiceAddress(S, S, S, S, S, S)
UPDATE_CUSTOMER = UpdateCustomer(
    CompanyId=NIL,
    Firstname=S,
    Lastname=S,
    Phone=S,
    Email=S,
    CustomFields=[AddCustomField(0, S)],
    AccessKeys=[AddUserAccessKey(NIL, NIL, 0, S, NIL, S)],
    AccessKeysToDelete=[DeleteUserAccessKey()],
    SubscribedToNewsletter=False,
    InvoiceAddress=SAMPLE_ADDRESS,
)


class CustomFieldValueResponse(msgspec.Struct):
    Value: str | None = None


class CustomFieldConfigData(msgspec.Struct):
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


class CustomFieldDataResponse(msgspec.Struct):
    Id: int = 0
    Column: str | None = None
    Name: str | None = None
    Description: str | None = None
    Value: str | None = None
    DataType: str | None = None


class CustomerCommentsResponse(msgspec.Struct):
    Id: int = 0
    CustomerId: uuid.UUID = NIL
    Comments: str | None = None
    Updated: NetDateTime = DATETIME_MIN
    Created: NetDateTime = DATETIME_MIN
    ImageUrl: str | None = None


class UserAccessKeys(msgspec.Struct):
    CompanyId: uuid.UUID = NIL
    AccessKeyTypeId: int = 0
    Value: str | None = None
    CustomerId: uuid.UUID = NIL
    Description: str | None = None
    Id: uuid.UUID = NIL


class CustomerQueryResponse(msgspec.Struct):
    Id: uuid.UUID = NIL
    Firstname: str | None = None
    Lastname: str | None = None
    Email: str | None = None
    Phone: str | None = None
    ImageUrl: str | None = None
    CustomFields: list[CustomFieldConfigData] | None = None
    CustomFieldValues: list[CustomFieldDataResponse] | None = None
    Comments: list[CustomerCommentsResponse] | None = None
    AccessKeys: list[UserAccessKeys] | None = None
    Updated: NetDateTime = DATETIME_MIN
    Created: NetDateTime = DATETIME_MIN
    ResponseStatus: ResponseStatus | None = None
    SubscribedToNewsletter: bool = False
    InvoiceAddress: InvoiceAddress | None = None


CUSTOMER_RESPONSE = CustomerQueryResponse(
    Firstname=S,
    Lastname=S,
    Email=S,
    Phone=S,
    ImageUrl=S,
    CustomFields=[
        CustomFieldConfigData(
            0, S, S, 0, S, S, False, S, 0, False, S, S, [CustomFieldValueResponse(S)]
        )
    ],
    CustomFieldValues=[CustomFieldDataResponse(0, S, S, S, S, S)],
    Comments=[CustomerCommentsResponse(Comments=S)],
    AccessKeys=[UserAccessKeys(Value=S, Description=S)],
    ResponseStatus=ResponseStatus(),
    InvoiceAddress=SAMPLE_ADDRESS,
)
