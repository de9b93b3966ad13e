"""The baseline: a bare Starlette app answering a fixed body, served the same way as crmgate."""

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route


async def hello(request):
    return PlainTextResponse("Hello, world!")


app = Starlette(routes=[Route("/", hello)])
