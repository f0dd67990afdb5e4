"""Runs moto's server with one change: apigatewayv2 API ids have AWS's length.

moto 5 gives HTTP and WebSocket APIs 8-letter ids; API Gateway's ids (REST, HTTP and WebSocket
alike) are 10 lowercase letters or digits, and invoke-doctor validates them as such. Everything
else is moto as `python3 -m moto.server` runs it; the arguments are passed through.
"""

import string
import sys

from moto.apigatewayv2 import models
from moto.server import main

_init = models.Api.__init__


def _init_with_aws_id(self, *args, **kwargs):
    _init(self, *args, **kwargs)
    old = self.api_id
    # moto's own (seedable) random, as the ids it makes itself.
    alphabet = string.ascii_lowercase + string.digits
    self.api_id = "".join(models.random.choice(alphabet) for _ in range(10))
    self.api_endpoint = self.api_endpoint.replace(old, self.api_id)
    self.arn = self.arn.replace(old, self.api_id)
    if kwargs.get("tags"):
        self.backend.tag_resource(self.arn, kwargs["tags"])


models.Api.__init__ = _init_with_aws_id

if __name__ == "__main__":
    main(sys.argv[1:])
