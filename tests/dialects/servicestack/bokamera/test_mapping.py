"""The BokaMera mapping's custom field configs (mapping.config_of): made once per definition
object the core hands out, afresh for a changed definition, bounded in count."""

from __future__ import annotations

from uuid import uuid4

import msgspec

from core.models import CustomField
from core.services.customer_extras import CustomFieldView
from dialects.servicestack.bokamera import mapping
from dialects.servicestack.bokamera.dto import CustomFieldConfigData, CustomFieldValueResponse

COMPANY = uuid4()


def definition(**changes: object) -> CustomField:
    given = {"id": 3, "company_id": COMPANY, "name": "Preferred contact", "values": ["Email"]}
    return CustomField(**(given | changes))


def test_a_definition_gives_its_config() -> None:
    d = definition(width=20, is_mandatory=True, regex="^[a-z]+$")
    assert mapping._Configs()(d) == CustomFieldConfigData(
        Id=3,
        Name="Preferred contact",
        Description="",
        Width=20,
        DataType="TextBox",
        IsMandatory=True,
        MaxLength=0,
        MultipleLineText=False,
        RegEx="^[a-z]+$",
        Values=[CustomFieldValueResponse(Value="Email")],
    )


def test_the_same_definition_object_gives_the_same_config() -> None:
    configs = mapping._Configs()
    d = definition()
    assert configs(d) is configs(d)


def test_a_changed_definition_gives_a_fresh_config() -> None:
    """A definition changed in the store is a new object from the core: never the old DTO,
    even when it compares equal or has the same id."""
    configs = mapping._Configs()
    old = definition()
    first = configs(old)
    changed = msgspec.structs.replace(old, name="Contact by")
    assert configs(changed).Name == "Contact by"
    equal = definition()
    assert configs(equal) is not first
    assert configs(equal) == first


def test_configs_are_bounded() -> None:
    configs = mapping._Configs(size=2)
    kept = [definition(id=i) for i in range(5)]
    for d in kept:
        configs(d)
    assert len(configs._known) <= 2
    assert configs(kept[0]).Id == 0


def test_the_configs_of_fields_are_those_of_their_definitions_in_order() -> None:
    configs = mapping._Configs()
    first, second = definition(id=1), definition(id=2)
    kept = configs(second)
    fields = [
        CustomFieldView(definition=first, value=None),
        CustomFieldView(definition=second, value="x"),
        CustomFieldView(definition=first, value="y"),
    ]
    listed = configs.of_fields(fields)
    assert [c.Id for c in listed] == [1, 2, 1]
    assert listed[1] is kept
    assert listed[0] is listed[2] is configs(first)
