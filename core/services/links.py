"""A contact's links: the roles it holds, its connections to other contacts, and the address
book those connections make (PF's contact links).
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from core.clock import Clock
from core.errors import NotFound
from core.models import Connection, ContactRole, Customer, Principal, RoleDefinition
from core.policy import check_customer_access
from core.services.tokens import VersionMemo
from core.store import Store


class RoleLink(msgspec.Struct, frozen=True, kw_only=True):
    contact_role: ContactRole
    role: RoleDefinition


class ConnectionLink(msgspec.Struct, frozen=True, kw_only=True):
    """A connection from one of the contact's roles to another contact's role."""

    connection: Connection
    own: RoleLink
    other: RoleLink
    other_contact: Customer


class AddressBookEntry(msgspec.Struct, frozen=True, kw_only=True):
    customer_id: UUID
    name: str
    email: str | None
    photo_url: str | None


class Links(msgspec.Struct, frozen=True, kw_only=True, weakref=True):
    """``changes_at``: when the answer changes by time alone (the next end of a role still
    held), None when it never does; until then it changes only when the data does. Weakly
    referable: a dialect may remember what it derived from one for as long as it lives."""

    roles: list[RoleLink]
    connections: list[ConnectionLink]
    address_book: list[AddressBookEntry]
    changes_at: datetime | None = None


def _active(role: ContactRole, now: datetime) -> bool:
    return role.end_date is None or role.end_date > now


class LinkService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self._known = VersionMemo(store)

    def links(self, principal: Principal, contact_id: UUID) -> Links:
        """Roles, connections (both directions) and address book of a contact the caller may
        see; remembered per caller while the data holds and no role in them has ended (what is
        remembered is read without a transaction when one would trust the cache anyway)."""
        now = self.clock()
        key = (principal, contact_id)
        if self.store.trusts_cache:
            known: Links | None = self._known.get(key)
            if known is not None and (known.changes_at is None or now < known.changes_at):
                return known
        with self.store.read():
            known = self._known.get(key)
            if known is None or (known.changes_at is not None and now >= known.changes_at):
                known = self._links(principal, contact_id, now)
                self._known.put(key, known)
        return known

    def _links(self, principal: Principal, contact_id: UUID, now: datetime) -> Links:
        """``links`` computed, inside the caller's read transaction."""
        contact = self.store.get(Customer, contact_id)
        if contact is None:
            raise NotFound("contact", contact_id)
        check_customer_access(principal, contact, ref=contact_id)
        roles = self.store.find(ContactRole, customer_id=contact_id, order_by="start_date")
        definitions = {
            d.id: d for d in self.store.find(RoleDefinition, company_id=contact.company_id)
        }
        own = [RoleLink(contact_role=r, role=definitions[r.role_id]) for r in roles]
        connections = self._connections(own, definitions)
        book: dict[UUID, AddressBookEntry] = {}
        for link in connections:
            other = link.other_contact
            book.setdefault(
                other.id,
                AddressBookEntry(
                    customer_id=other.id,
                    name=other.full_name,
                    email=other.email,
                    photo_url=other.image_url,
                ),
            )
        held = [r for r in own if _active(r.contact_role, now)]
        ends = [r.contact_role.end_date for r in held if r.contact_role.end_date is not None]
        return Links(
            roles=held,
            connections=connections,
            address_book=list(book.values()),
            changes_at=min(ends, default=None),
        )

    def _connections(
        self, own: list[RoleLink], definitions: dict[UUID, RoleDefinition]
    ) -> list[ConnectionLink]:
        by_role = {r.contact_role.id: r for r in own}
        if not by_role:
            return []
        ids = sorted(by_role)
        found = self.store.find(Connection, contact_role_id=ids, order_by="id")
        found += self.store.find(Connection, connected_contact_role_id=ids, order_by="id")
        pairs = [
            (c, c.contact_role_id, c.connected_contact_role_id)
            if c.contact_role_id in by_role
            else (c, c.connected_contact_role_id, c.contact_role_id)
            for c in found
        ]
        others = {r.id: r for r in self.store.find(ContactRole, id=sorted({t for *_, t in pairs}))}
        people = {
            c.id: c
            for c in self.store.find(Customer, id=sorted({r.customer_id for r in others.values()}))
        }
        return [
            ConnectionLink(
                connection=c,
                own=by_role[mine],
                other=RoleLink(
                    contact_role=others[theirs], role=definitions[others[theirs].role_id]
                ),
                other_contact=people[others[theirs].customer_id],
            )
            for c, mine, theirs in pairs
        ]
