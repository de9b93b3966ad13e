"""A user's test module with only the installed plugin (.ci/run runs it with ``-n 4``)."""

import pytest

F = "/iservice/f/webapp-api-"
JOHN = {"emailAddress": "customer11@1to1service.com", "password": "demo-customer"}


def named(name: str) -> dict:
    last = [{"propertyID": "3", "values": [{"value": name}]}]
    return {"contactID": 466, "details": {"properties": last}}


@pytest.mark.parametrize("name", ["Ann", "Bob", "Cy", "Di", "Ed", "Flo", "Gus", "Hal"])
def test_mine(crmgate, name: str) -> None:
    assert crmgate.post(F + "login?api=login", json=JOHN).json()["errors"] == []
    assert crmgate.post(F + "custinfo?api=setdetails", json=named(name)).json()["errors"] == []
    assert crmgate.count(method="POST", query={"api": "setdetails"}) == 1
    crmgate.fault(action="status", status=503, dialect="iservice")
    assert crmgate.get(F + "login?api=loggedin").status_code == 503
