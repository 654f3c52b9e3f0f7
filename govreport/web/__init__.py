"""``govreport serve``: the checks as a web service, for people without a terminal.

Every page is the library's API plus the writers: :func:`govreport.batch.check_one` in
worker processes (a per-file time limit, so one hostile file never stalls the service
or another user), the HTML report writer for the pages, the JSON writer for the API.
Nothing is stored between requests and nothing a client sends is used as a path.
"""

from govreport.web.app import Settings, create_app

__all__ = ["Settings", "create_app"]
