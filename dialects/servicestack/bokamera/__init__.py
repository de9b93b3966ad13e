"""BokaMera (api.bokamera.se): updating and searching customers on the generic ServiceStack
host (seed 004)."""

from __future__ import annotations

from core.errors import FieldError, ValidationFailed
from dialects.servicestack.bokamera import mapping
from dialects.servicestack.bokamera.dto import (
    CustomerQuery,
    CustomerQueryResponse,
    QueryResponseOfCustomerQueryResponse,
    UpdateCustomer,
)
from dialects.servicestack.codecs import formats_for
from dialects.servicestack.host import Site
from dialects.servicestack.operations import Call, Operation, Route

#: Environment variable listing the API keys (``x-api-key``) the site requires, if any.
API_KEYS_ENV = "CRMGATE_BOKAMERA_API_KEYS"

UPDATE_NOTES = (
    "Updates an existing user if the current logged in user is allowed to update the specified "
    "customer. Users are only allowed to update their own info, administrators are allowed to "
    "update customer beloning to their company (if no account is created, email is added, if "
    "so the customer can only update it's own info)."
)


def update_customer(call: Call, dto: UpdateCustomer) -> CustomerQueryResponse:
    """Update an existing customer."""
    if dto.Id == mapping.NIL:
        raise ValidationFailed([FieldError("Id", "required", "'Id' must not be empty")])
    try:
        profile = call.core.profiles.update(
            call.caller, mapping.to_patch(dto), dto.Id, mapping.guid(dto.CompanyId)
        )
    except ValidationFailed as exc:
        raise mapping.wire_errors(exc, dto) from exc
    return mapping.customer_response(profile)


def query_customers(call: Call, dto: CustomerQuery) -> QueryResponseOfCustomerQueryResponse:
    """Search customers by id, e-mail, phone or free text, with paging and ordering."""
    try:
        page = call.core.profiles.query(call.caller, mapping.to_query(dto))
    except ValidationFailed as exc:
        raise mapping.wire_errors(exc) from exc
    return mapping.query_response(page)


dialect = Site(
    name="bokamera",
    prefix="/bokamera",
    hosts=("api.bokamera.se", "testapi.bokamera.se"),
    title="BokaMera API",
    operations=[
        Operation(
            request=UpdateCustomer,
            response=CustomerQueryResponse,
            handler=update_customer,
            summary="Update an existing customer",
            notes=UPDATE_NOTES,
            routes=(Route("/customers/{Id}", ("PUT",)),),
            descriptions={
                "CompanyId": "Enter the company and id for the customer, if blank company id "
                "and you are an admin, your company id will be used.",
                "Id": "customer id",
                "CustomFields": "If Custom Fields are added to the customer, here you will send "
                "the id and the value for each custom field to be updated",
                "AccessKeys": "List of Access Keys",
            },
        ),
        Operation(
            request=CustomerQuery,
            response=QueryResponseOfCustomerQueryResponse,
            handler=query_customers,
            summary="Search customers",
            notes="Customers see themselves; administrators the customers of their company.",
            routes=(Route("/customers", ("GET",)),),
        ),
    ],
    formats=formats_for(guid_format="D", omit_defaults=("uuid", "datetime")),
    api_key_env=API_KEYS_ENV,
)
