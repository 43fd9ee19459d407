"""Account clients over XMPP's TCP client port with slixmpp (STARTTLS, SASL).

Used the way jicofo and the bridges use Prosody: log in to auth.<domain> with an
account, join a MUC such as the brewery. `Account` runs the client on its own
event loop in a thread so a session can stay online while a test goes on.
"""

import asyncio
import gc
import ssl
import threading

import slixmpp
from slixmpp.exceptions import PresenceError


class LoginFailed(Exception):
    pass


class Account(object):
    def __init__(self, address, jid, password, port=5222):
        self.address, self.port = address, port
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.xmpp = self._call(self._make(jid, password))

    async def _make(self, jid, password):
        xmpp = slixmpp.ClientXMPP(jid, password)
        xmpp.register_plugin("xep_0045")
        xmpp.ssl_context.check_hostname = False  # self-signed test certificates
        xmpp.ssl_context.verify_mode = ssl.CERT_NONE
        return xmpp

    def _call(self, coro, timeout=30):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def _login(self, timeout):
        outcome = self.loop.create_future()
        self.xmpp.add_event_handler("session_start", lambda _e: outcome.done() or outcome.set_result(True))
        self.xmpp.add_event_handler("failed_all_auth", lambda _e: outcome.done() or outcome.set_result(False))
        self.xmpp.add_event_handler("disconnected", lambda _e: outcome.done() or outcome.set_result(False))
        self.xmpp.connect(host=self.address, port=self.port)
        try:
            ok = await asyncio.wait_for(outcome, timeout)
        except asyncio.TimeoutError:
            ok = False
        if not ok:
            raise LoginFailed("%s could not log in" % self.xmpp.boundjid.bare)
        return True

    def login(self, timeout=20):
        return self._call(self._login(timeout), timeout + 5)

    def join(self, room, nick, timeout=15):
        """Join a MUC; returns the occupant nicks seen, raises PresenceError when refused."""
        async def _join():
            _presence, _subject, occupants, _history = await self.xmpp.plugin["xep_0045"].join_muc_wait(
                room, nick, maxstanzas=0, timeout=timeout)
            return sorted(str(o["muc"]["nick"]) for o in occupants)
        return self._call(_join(), timeout + 5)

    async def _cancel_tasks(self):
        current = asyncio.current_task()
        tasks = [t for t in asyncio.all_tasks() if t is not current]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def close(self):
        try:
            self._call(self.xmpp.disconnect(wait=1), 10)
        except Exception:  # pylint: disable=broad-except  # best effort on teardown
            pass
        # Let slixmpp's tasks and finalizers run on a live loop, then close it.
        self._call(self._cancel_tasks(), 10)
        self.xmpp = None
        gc.collect()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


__all__ = ["Account", "LoginFailed", "PresenceError"]
