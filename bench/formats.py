"""Encode+decode time per wire format for a BokaMera customer response with 10 custom fields
(BokaMera's own DTO, dialects/servicestack/bokamera/dto.py).

Run: ``.venv/bin/python -m bench.formats [--rounds N]``. msgspec JSON on the same DTO is the
yardstick (ratio 1.0); the issue's target is JSV and XML within 3x of it.
"""

from __future__ import annotations

import argparse
import timeit
import uuid
from collections.abc import Callable
from typing import Any

import msgspec

from dialects.formats import form, json
from dialects.formats.datacontract import DataContractXml
from dialects.formats.dotnet import NetDateTime
from dialects.formats.jsv import Jsv
from dialects.formats.schema import dec_hook
from dialects.servicestack.bokamera.dto import (
    CustomerQueryResponse,
    CustomFieldDataResponse,
    InvoiceAddress,
)


def sample() -> CustomerQueryResponse:
    return CustomerQueryResponse(
        Id=uuid.UUID("11078e67-adf5-4306-a903-481ed7aa8c0e"),
        Firstname="John",
        Lastname="Deer",
        Email="customer11@1to1service.com",
        Phone="+46 8 123 456",
        ImageUrl="https://example.invalid/john.png",
        CustomFieldValues=[
            CustomFieldDataResponse(
                Id=i,
                Column=f"TextField{i}",
                Name=f"Field {i}",
                Description="A field, with {braces}",
                Value=f"value {i}",
                DataType="TextBox",
            )
            for i in range(10)
        ],
        Updated=NetDateTime.parse("2026-02-04T03:11:32.734Z"),
        Created=NetDateTime.parse("2025-01-01T08:00:00Z"),
        SubscribedToNewsletter=True,
        InvoiceAddress=InvoiceAddress(
            CorporateIdentityNumber="556677-8899",
            InvoiceAddress1="Storgatan 1",
            InvoiceCity="Stockholm",
            InvoicePostalCode="111 22",
            InvoiceCountryCode="SE",
        ),
    )


def _iso(obj: Any) -> Any:
    if isinstance(obj, NetDateTime):
        return obj.isoformat()
    raise TypeError(type(obj))


def codecs() -> dict[str, tuple[Callable[[Any], bytes], Callable[[bytes, type], Any]]]:
    encoder = msgspec.json.Encoder(enc_hook=_iso)
    decoder = msgspec.json.Decoder(CustomerQueryResponse, dec_hook=dec_hook)
    return {
        "msgspec JSON (baseline)": (encoder.encode, lambda buf, _: decoder.decode(buf)),
        "plain JSON": (json.encode, json.decode),
        "Web API JSON": (json.WebApiJson().encode, json.WebApiJson().decode),
        "ServiceStack JSON": (json.ServiceStackJson().encode, json.ServiceStackJson().decode),
        "JSV": (Jsv().encode, Jsv().decode),
        "DataContract XML": (DataContractXml().encode, DataContractXml().decode),
        "form": (form.encode, form.decode),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=2000)
    rounds = parser.parse_args().rounds
    dto = sample()
    rows = []
    for name, (encode, decode) in codecs().items():
        buf = encode(dto)
        assert decode(buf, CustomerQueryResponse) == dto, name
        rows.append((name, len(buf), *timed(encode, decode, dto, buf, rounds)))
    base = rows[0][2] + rows[0][3]
    print(f"{'format':26} {'bytes':>6} {'encode µs':>10} {'decode µs':>10} {'total µs':>9} ratio")
    for name, size, enc, dec in rows:
        total = enc + dec
        print(f"{name:26} {size:6d} {enc:10.1f} {dec:10.1f} {total:9.1f} {total / base:5.1f}")


def timed(
    encode: Callable[[Any], bytes],
    decode: Callable[[bytes, type], Any],
    dto: Any,
    buf: bytes,
    rounds: int,
) -> tuple[float, float]:
    """Best-of-5 microseconds per encode and per decode."""
    enc = min(timeit.repeat(lambda: encode(dto), number=rounds, repeat=5))
    dec = min(timeit.repeat(lambda: decode(buf, CustomerQueryResponse), number=rounds, repeat=5))
    return enc / rounds * 1e6, dec / rounds * 1e6


if __name__ == "__main__":
    main()
