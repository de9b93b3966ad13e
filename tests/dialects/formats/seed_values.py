"""The seeds' sample values, built from the dialects' own DTOs: encoding one must give the vendor
page's sample byte for byte (tests/dialects/formats/test_golden.py)."""

from __future__ import annotations

import uuid

from dialects.formats.dotnet import DATETIME_MIN, NetDateTime
from dialects.servicestack.bokamera.dto import (
    AddCustomField,
    AddUserAccessKey,
    CustomerCommentsResponse,
    CustomerQueryResponse,
    CustomFieldConfigData,
    CustomFieldDataResponse,
    CustomFieldValueResponse,
    DeleteUserAccessKey,
    InvoiceAddress,
    UpdateCustomer,
    UserAccessKeys,
)
from dialects.servicestack.dto import ResponseError, ResponseStatus
from dialects.servicestack.pf.dto import (
    ContactConnectedLinksResponse,
    ContactEmailAddressBook,
    UserContactConnectionModel,
    UserRoleModel,
)
from dialects.webapi.dto import CusSocialAccountDto, LikedMessage, SocialProvider
from tests.helpers import JOHN_ID

#: Guid.Empty, which the vendors' sample pages write for every Guid member.
NIL = uuid.UUID(int=0)
#: What the sample pages write for every string member.
S = "String"

# -- seed 000: ASP.NET Web API, CusSocialAccountDto -----------------------------------------

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
    CustomerId=uuid.UUID(JOHN_ID),
    LikedMessages=[LikedMessage(Text="sample string 1", Date=SAMPLE_DATE)] * 2,
)

# -- seed 002: ServiceStack PF, ContactConnectedLinks -----------------------------------------

LINKS_RESPONSE = ContactConnectedLinksResponse(
    Roles=[
        UserRoleModel(
            ContactRoleId=NIL,
            RoleId=NIL,
            RoleName=S,
            RolePrimaryImageURL=S,
            RolePrimaryImageThumbnailURL=S,
            RolePrimaryImageId=NIL,
            StartDate=DATETIME_MIN,
            EndDate=DATETIME_MIN,
        )
    ],
    ContactConnections=[
        UserContactConnectionModel(
            ContactRoleId=NIL,
            ContactRoleName=S,
            ContactListItemRoleId=NIL,
            ContactRolePrimaryImageURL=S,
            ContactRolePrimaryImageThumbnailURL=S,
            ContactRolePrimaryImageId=NIL,
            ConnectionContactId=NIL,
            ConnectionContactName=S,
            ConnectionContactRoleName=S,
            ConnectionContactRoleId=NIL,
            ConnectionContactListItemRoleId=NIL,
            ContactTypeName=S,
            ConnectionContactPhotoURL=S,
            ConnectionStatusName=S,
            ConnectionStatusId=NIL,
            ConnectionId=NIL,
            ConnectionRequestId=NIL,
        )
    ],
    EmailAddressBook=[
        ContactEmailAddressBook(ContactId=NIL, ContactName=S, EmailAddress=S, ContactPhotoURL=S)
    ],
    ResponseStatus=ResponseStatus(
        ErrorCode=S,
        Message=S,
        StackTrace=S,
        Errors=[ResponseError(ErrorCode=S, FieldName=S, Message=S, Meta={S: S})],
        Meta={S: S},
    ),
)

# -- seed 004: ServiceStack BokaMera, UpdateCustomer -> CustomerQueryResponse ------------------

SAMPLE_ADDRESS = InvoiceAddress(
    CorporateIdentityNumber=S,
    InvoiceAddress1=S,
    InvoiceAddress2=S,
    InvoiceCity=S,
    InvoicePostalCode=S,
    InvoiceCountryCode=S,
)
UPDATE_CUSTOMER = UpdateCustomer(
    CompanyId=NIL,
    Firstname=S,
    Lastname=S,
    Phone=S,
    Email=S,
    CustomFields=[AddCustomField(Id=0, Value=S)],
    AccessKeys=[
        AddUserAccessKey(
            Id=NIL, CompanyId=NIL, AccessKeyTypeId=0, Value=S, CustomerId=NIL, Description=S
        )
    ],
    AccessKeysToDelete=[DeleteUserAccessKey()],
    SubscribedToNewsletter=False,
    InvoiceAddress=SAMPLE_ADDRESS,
)

CUSTOMER_RESPONSE = CustomerQueryResponse(
    Firstname=S,
    Lastname=S,
    Email=S,
    Phone=S,
    ImageUrl=S,
    CustomFields=[
        CustomFieldConfigData(
            Name=S,
            Description=S,
            Width=0,
            DataType=S,
            DefaultValue=S,
            MandatoryErrorMessage=S,
            RegEx=S,
            RegExErrorMessage=S,
            Values=[CustomFieldValueResponse(Value=S)],
        )
    ],
    CustomFieldValues=[
        CustomFieldDataResponse(Column=S, Name=S, Description=S, Value=S, DataType=S)
    ],
    Comments=[CustomerCommentsResponse(Comments=S)],
    AccessKeys=[UserAccessKeys(Value=S, Description=S)],
    ResponseStatus=ResponseStatus(),
    InvoiceAddress=SAMPLE_ADDRESS,
)
