"""Contract tests with ServiceStack's own clients against a real ``crmgate serve``.

The Python client (PyPI ``servicestack``) uses the DTOs each site publishes on
``/types/python``. Its DTOs read camelCase JSON, so it asks for it the ServiceStack way
(``?jsconfig=tc:cc``, a request filter); the sites' default stays PascalCase like the vendors'.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import types
from pathlib import Path

import httpx
import pytest
from servicestack import Authenticate, JsonServiceClient, WebServiceException
from servicestack.clients import append_querystring

from gateway.testing import Server
from tests.helpers import JANE_ID, JOHN_ID, WALTER_ID

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def base(crmgate_server: Server) -> str:
    """The plugin's server; these tests use its own data, sandboxed tests leave it alone."""
    return crmgate_server.base_url


def published_types(base: str, site: str) -> types.ModuleType:
    """The site's ``/types/python`` source, imported as a module."""
    module = types.ModuleType(f"crmgate_{site}_dtos")
    sys.modules[module.__name__] = module
    source = httpx.get(f"{base}/{site}/types/python").text
    exec(compile(source, f"{module.__name__}.py", "exec"), module.__dict__)
    return module


def client_for(base: str, site: str, user: str, password: str) -> JsonServiceClient:
    client = JsonServiceClient(f"{base}/{site}/")

    def camel_case(info) -> None:
        info.url = append_querystring(info.url, {"jsconfig": "tc:cc"})

    client.request_filter = camel_case
    response = client.post(Authenticate(provider="credentials", user_name=user, password=password))
    assert response.user_name == user
    assert response.bearer_token
    return client


def test_pf_links_single_and_batched(base: str) -> None:
    pf = published_types(base, "pf")
    client = client_for(base, "pf", "customer11@1to1service.com", "demo-customer")
    links = client.post(pf.ContactConnectedLinks(contact_id=JOHN_ID))
    assert isinstance(links, pf.ContactConnectedLinksResponse)
    assert links.roles[0].role_name == "Member"
    assert [e.contact_name for e in links.email_address_book] == ["Jane Roe", "Erik Svensson"]
    batch = client.send_all([pf.ContactConnectedLinks(contact_id=JOHN_ID)] * 3)
    assert [len(r.contact_connections) for r in batch] == [2, 2, 2]
    with pytest.raises(WebServiceException) as refused:
        client.get(pf.ContactConnectedLinks(contact_id=JANE_ID))
    assert refused.value.status_code == 403
    assert refused.value.response_status.error_code == "Forbidden"


def test_pf_bearer_token_without_cookies(base: str) -> None:
    pf = published_types(base, "pf")
    signed_in = client_for(base, "pf", "agent@demo.local", "demo-agent")
    client = JsonServiceClient(f"{base}/pf/")
    with pytest.raises(WebServiceException) as anonymous:
        client.post(pf.ContactConnectedLinks(contact_id=JOHN_ID))
    assert anonymous.value.status_code == 401
    client.bearer_token = signed_in.post(
        Authenticate(provider="credentials", user_name="agent@demo.local", password="demo-agent")
    ).bearer_token
    assert client.post(pf.ContactConnectedLinks(contact_id=JOHN_ID)) is not None


def test_bokamera_update_and_query(base: str) -> None:
    bm = published_types(base, "bokamera")
    client = client_for(base, "bokamera", "admin@demo.local", "demo-admin")
    updated = client.put(
        bm.UpdateCustomer(
            id=WALTER_ID,
            firstname="Walt",
            email="walt@demo.local",
            custom_fields=[bm.AddCustomField(id=2, value="M-0468")],
            invoice_address=bm.InvoiceAddress(invoice_city="Lund"),
        )
    )
    assert isinstance(updated, bm.CustomerQueryResponse)
    assert (updated.firstname, updated.email) == ("Walt", "walt@demo.local")
    assert updated.invoice_address.invoice_city == "Lund"
    found = client.get(bm.CustomerQuery(search="walt"))
    assert (found.total, found.results[0].id) == (1, WALTER_ID)


def test_bokamera_validation_errors_surface_with_field_errors(base: str) -> None:
    bm = published_types(base, "bokamera")
    client = client_for(base, "bokamera", "admin@demo.local", "demo-admin")
    with pytest.raises(WebServiceException) as invalid:
        client.put(
            bm.UpdateCustomer(
                id=JOHN_ID,
                email="not-an-email",
                custom_fields=[bm.AddCustomField(id=1, value="ab")],
            )
        )
    assert invalid.value.status_code == 400
    status = invalid.value.response_status
    assert status.error_code == "Email"
    assert [(e.field_name, e.error_code) for e in status.errors] == [
        ("Email", "Email"),
        ("CustomFields[0].Value", "RegularExpression"),
    ]


TS_CLIENT = (
    """
const { JsonServiceClient } = require('@servicestack/client');
const client = new JsonServiceClient(process.argv[2]);
client.requestFilter = req => {
  req.url += (req.url.includes('?') ? '&' : '?') + 'jsconfig=tc:cc';
};
const dto = (name, method, body) =>
  Object.assign({ getTypeName: () => name, getMethod: () => method,
                  createResponse: () => ({}) }, body);
(async () => {
  const auth = await client.post(dto('Authenticate', 'POST', {
    provider: 'credentials', userName: 'admin@demo.local', password: 'demo-admin' }));
  console.log(auth.userName);
  try {
    await client.put(dto('UpdateCustomer', 'PUT', {
      id: '"""
    + JOHN_ID
    + """', email: 'not-an-email' }));
  } catch (e) {
    console.log(e.responseStatus.errors.map(x => x.fieldName + ':' + x.errorCode).join());
  }
})().catch(e => { console.error(e); process.exit(1); });
"""
)


#: The npm client, installed once under the user's cache when npm can reach its registry.
TS_CLIENT_PACKAGE = "@servicestack/client@2.1.13"
NODE_CACHE = Path.home() / ".cache" / "crmgate-node"


def _node_modules(node: str) -> Path | None:
    """Where node finds @servicestack/client (installing it into the cache if need be)."""
    modules = NODE_CACHE / "node_modules"
    probe = [node, "-e", "require.resolve('@servicestack/client')"]
    env = os.environ | {"NODE_PATH": str(modules)}
    if subprocess.run(probe, capture_output=True, check=False, env=env).returncode == 0:
        return modules
    npm = shutil.which("npm")
    if npm is None:
        return None
    install = [
        npm,
        "install",
        "--prefix",
        str(NODE_CACHE),
        "--no-audit",
        "--no-fund",
        TS_CLIENT_PACKAGE,
    ]
    done = subprocess.run(install, capture_output=True, check=False, timeout=300)
    ok = subprocess.run(probe, capture_output=True, check=False, env=env).returncode == 0
    return modules if done.returncode == 0 and ok else None


def test_typescript_client(base: str, tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the TypeScript client cannot run here")
    modules = _node_modules(node)
    if modules is None:
        pytest.skip(f"npm could not install {TS_CLIENT_PACKAGE} (no npm or no registry)")
    script = tmp_path / "client.js"
    script.write_text(TS_CLIENT)
    result = subprocess.run(
        [node, str(script), f"{base}/bokamera/"],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ | {"NODE_PATH": str(modules)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["admin@demo.local", "Email:Email"]
