"""The Help Page package's pages, rendered from the DTO declarations."""

from __future__ import annotations

import html
import json
import re

from starlette.testclient import TestClient

from dialects.formats.datacontract import DataContractXml
from dialects.formats.json import WebApiJson
from dialects.webapi.dto import CusSocialAccountDto
from dialects.webapi.help_pages import sample
from tests.golden import golden

API = "/webapi/Help/Api/POST-api-v1-customers-me-socialCredentials"


def samples(page: str) -> list[str]:
    return [html.unescape(s) for s in re.findall(r'<pre class="wrapped">(.*?)</pre>', page, re.S)]


def test_the_index_lists_the_api_by_controller(client: TestClient) -> None:
    response = client.get("/webapi/Help")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert '<h2 id="SocialCredentials">SocialCredentials</h2>' in response.text
    link = '<a href="/webapi/Help/Api/POST-api-v1-customers-me-socialCredentials">'
    assert f"{link}POST api/v1/customers/me/socialCredentials</a>" in response.text


def test_the_api_page_documents_every_member_in_order(client: TestClient) -> None:
    page = client.get(API.lower()).text
    names = re.findall(r'<td class="parameter-name">(\w+)</td>', page)
    assert names == list(CusSocialAccountDto.__struct_fields__)
    types = re.findall(r'<td class="parameter-type">([^<]+)</td>', page)
    assert types[:2] == ["globally unique identifier", "string"]
    assert {"date", "integer", "boolean", "SocialProvider"} <= set(types)
    assert types[-3:] == ["boolean", "globally unique identifier", "Collection of LikedMessage"]
    assert "<p>IHttpActionResult</p>" in page


def test_the_samples_are_those_of_seed_000(client: TestClient) -> None:
    json_sample, xml_sample, form_sample, response_sample = samples(client.get(API).text)
    seed = json.loads(golden("000/cus-social-account.json"))
    ours = json.loads(json_sample)
    assert list(ours) == list(seed)
    differing = {k for k in seed if ours[k] != seed[k]}
    # ObjectGenerator numbers every simple member (the seed's page skipped one) and makes
    # Guids at random; the seed shows John's own id as customerId.
    assert differing == {"followers", "accessToken", "secretAccessToken", "customerId"}
    assert ours["likedMessages"] == seed["likedMessages"]
    as_dto = DataContractXml().decode(xml_sample.encode(), CusSocialAccountDto)
    assert as_dto == WebApiJson().decode(json_sample.encode(), CusSocialAccountDto)
    assert xml_sample.startswith('<CusSocialAccountDto xmlns:i="http://www.w3.org/2001/')
    assert "\n  <AccessToken>sample string 10</AccessToken>\n" in xml_sample
    assert form_sample == response_sample == "Sample not available."


def test_the_sample_object_is_built_like_object_generator() -> None:
    dto = sample(CusSocialAccountDto)
    assert (dto.OrganizationCode, dto.Followers, dto.IsTokenValid) == ("sample string 2", 8, True)
    assert dto.LikedMessages is not None
    assert [m.Text for m in dto.LikedMessages] == ["sample string 1", "sample string 1"]
