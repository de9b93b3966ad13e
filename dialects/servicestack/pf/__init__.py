"""PF (pfapi.pstpf.com.au): a contact's connected links, on the generic ServiceStack host
(seed 002)."""

from __future__ import annotations

from core.errors import FieldError, ValidationFailed
from dialects.servicestack.codecs import formats_for
from dialects.servicestack.host import Site
from dialects.servicestack.operations import Call, Operation, Route
from dialects.servicestack.pf import mapping
from dialects.servicestack.pf.dto import ContactConnectedLinks, ContactConnectedLinksResponse

LINKS_NOTES = (
    "The roles a contact holds, its connections to other contacts (active and pending) and "
    "the e-mail address book of those contacts. Customers see their own links, staff those "
    "of the contacts of their company."
)


def contact_links(call: Call, dto: ContactConnectedLinks) -> ContactConnectedLinksResponse:
    """Roles, contact connections and e-mail address book of one contact."""
    if dto.ContactId is None:
        raise ValidationFailed(
            [FieldError("ContactId", "required", "'Contact Id' must not be empty")]
        )
    links = call.core.links.links(call.caller, dto.ContactId)
    call.changes_at(links.changes_at)
    return mapping.links_response(links)


dialect = Site(
    name="pf",
    prefix="/pf",
    hosts=("pfapi.pstpf.com.au",),
    title="PF API",
    operations=[
        Operation(
            request=ContactConnectedLinks,
            response=ContactConnectedLinksResponse,
            handler=contact_links,
            summary="A contact's roles, connections and e-mail address book",
            notes=LINKS_NOTES,
            routes=(Route("/api/contacts/{ContactId}/links"),),
            reusable=True,
            shared_answers=True,
            descriptions={
                "Roles": "A list of roles assigned to the contact/user.",
                "ContactConnections": "A list of contact connections assigned to the contact/user.",
                "EmailAddressBook": "A list of connected contacts and their email addresses.",
            },
        )
    ],
    formats=formats_for(guid_format="N"),
)
