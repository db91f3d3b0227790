"""Everything the web workspace's pages share: the store, accounts, search and read models, and
the few settings it needs (passed in by the command line: `review` never reads settings)."""

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from fastapi import Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from ..crossref import CrossReference
from ..dashboard import Dashboard
from ..database import WRITES
from ..search import Search
from ..store import Clock, Store, utc_now
from ..users import Accounts, SignedIn
from .recent import RecentViews
from .throttle import SignInThrottle, TooManyFailures
from .worklist import Worklist


@dataclass
class Workspace:
    store: Store
    engine: Engine
    page_images_dir: Path
    session_lifetime: timedelta
    rules_path: Path | None = None
    clock: Clock = utc_now
    accounts: Accounts = field(init=False)
    search: Search = field(init=False)
    crossref: CrossReference = field(init=False)
    dashboard: Dashboard = field(init=False)
    worklist: Worklist = field(init=False)
    writes: sessionmaker[Session] = field(init=False)
    recent_views: RecentViews = field(init=False)
    throttle: SignInThrottle = field(init=False)

    def __post_init__(self) -> None:
        self.accounts = Accounts(self.engine)
        self.search = Search(self.engine)
        self.crossref = CrossReference(self.engine)
        self.dashboard = Dashboard(self.engine)
        self.worklist = Worklist(self.engine)
        # For writes that span several rows: a whole correction form, the reads of a search.
        self.writes = sessionmaker(self.engine.execution_options(**{WRITES: True}))
        self.recent_views = RecentViews()
        self.throttle = SignInThrottle()

    def sign_in(self, username: str, password: str, client: str) -> tuple[str, SignedIn] | None:
        """A new session, None for a wrong name or password, TooManyFailures while this name and
        client are locked out (see `throttle`): the same rule for the page and the API."""
        now = self.clock()
        wait = self.throttle.wait(username, client, now)
        if wait:
            raise TooManyFailures(wait)
        opened = self.accounts.sign_in(username, password, now, self.session_lifetime)
        if opened is None:
            self.throttle.failed(username, client, now)
        else:
            self.throttle.succeeded(username, client)
        return opened


def workspace(request: Request) -> Workspace:
    found: Workspace = request.app.state.workspace
    return found
