"""Open a page in headless Chromium with the network blocked, and watch what it does.

Chromium is driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``: JSON
messages separated by NUL bytes on file descriptors 3 and 4), so nothing beyond the standard
library and the Debian ``chromium`` package is needed. Used by the browser tests and to take the
README screenshot::

    with Browser() as b:
        page = b.open(Path("exports/graph.html"))
        page.wait_for("document.body.dataset.stable === '1'")
        print(page.requests, page.errors)
        page.screenshot(Path("docs/viz.png"))

or from the shell: ``python -m kg.viz.browser exports/graph.html docs/viz.png``.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

__all__ = ["find_chromium", "Browser", "Page", "BrowserError", "LOCAL_SCHEMES", "check_page"]

#: URL schemes that do not leave the file.
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:", "chrome:", "devtools:", "chrome-extension:")

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
    "--no-default-browser-check", "--disable-features=Translate,MediaRouter,OptimizationHints",
    # any host name resolves to nothing: a request that tries to leave the file fails (and is seen)
    '--host-resolver-rules=MAP * ~NOTFOUND',
]


class BrowserError(RuntimeError):
    """Chromium did not start, answer or load the page in time."""


def find_chromium() -> str | None:
    """Path of a Chromium/Chrome binary, or ``None`` (``$CHROMIUM`` wins when set)."""
    env = os.environ.get("CHROMIUM")
    if env and shutil.which(env):
        return shutil.which(env)
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _high_fd(fd: int) -> int:
    new = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return new


class Browser:
    """A headless Chromium process, spoken to over the DevTools pipe."""

    def __init__(self, binary: str | None = None, width: int = 1400, height: int = 900,
                 timeout: float = 60.0) -> None:
        self.binary = binary or find_chromium()
        if not self.binary:
            raise BrowserError("chromium is not installed (scripts/install_browser.sh installs it)")
        self.timeout = timeout
        self.size = (width, height)
        self._profile = tempfile.mkdtemp(prefix="kg-chromium-")
        self._next_id = 0
        self._replies: dict[int, dict] = {}
        self._events: queue.Queue[dict] = queue.Queue()
        self._cond = threading.Condition()
        self._proc: subprocess.Popen | None = None

    # -- process -----------------------------------------------------------------------------
    def __enter__(self) -> Browser:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> None:
        to_child_r, to_child_w = (_high_fd(fd) for fd in os.pipe())
        from_child_r, from_child_w = (_high_fd(fd) for fd in os.pipe())

        def wire() -> None:  # in the child: its fd 3 reads our commands, fd 4 writes replies
            os.dup2(to_child_r, 3)
            os.dup2(from_child_w, 4)

        args = [self.binary, *FLAGS, "--remote-debugging-pipe",
                f"--user-data-dir={self._profile}", f"--window-size={self.size[0]},{self.size[1]}",
                "about:blank"]
        self._proc = subprocess.Popen(args, pass_fds=(3, 4, to_child_r, from_child_w),
                                      preexec_fn=wire, stdin=subprocess.DEVNULL,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_child_r)
        os.close(from_child_w)
        self._out = os.fdopen(to_child_w, "wb", buffering=0)
        self._in = os.fdopen(from_child_r, "rb", buffering=0)
        threading.Thread(target=self._read, daemon=True).start()
        self.send("Target.getTargets")  # raises if the browser does not answer

    def close(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            try:
                self.send("Browser.close", timeout=5)
            except BrowserError:
                pass
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        for stream in ("_out", "_in"):
            try:
                getattr(self, stream).close()
            except (AttributeError, OSError):
                pass
        shutil.rmtree(self._profile, ignore_errors=True)

    # -- protocol ----------------------------------------------------------------------------
    def _read(self) -> None:
        buf = b""
        while True:
            try:
                chunk = self._in.read(65536)
            except (OSError, ValueError):
                chunk = b""
            if not chunk:
                with self._cond:
                    self._replies[-1] = {"error": {"message": "browser closed the pipe"}}
                    self._cond.notify_all()
                return
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                msg = json.loads(raw)
                if "id" in msg:
                    with self._cond:
                        self._replies[msg["id"]] = msg
                        self._cond.notify_all()
                else:
                    self._events.put(msg)

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float | None = None) -> dict:
        """Send one command and wait for its result."""
        with self._cond:
            self._next_id += 1
            mid = self._next_id
        msg = {"id": mid, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        try:
            self._out.write(json.dumps(msg).encode() + b"\0")
        except OSError as exc:
            raise BrowserError(f"cannot talk to chromium: {exc}") from None
        deadline = time.monotonic() + (timeout or self.timeout)
        with self._cond:
            while mid not in self._replies and -1 not in self._replies:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise BrowserError(f"no answer to {method} within {timeout or self.timeout}s")
                self._cond.wait(left)
            reply = self._replies.pop(mid, None) or self._replies[-1]
        if "error" in reply:
            raise BrowserError(f"{method}: {reply['error'].get('message')}")
        return reply.get("result", {})

    def events(self) -> list[dict]:
        """Every event received since the last call."""
        out = []
        while True:
            try:
                out.append(self._events.get_nowait())
            except queue.Empty:
                return out

    def open(self, path: Path | str) -> Page:
        """A new tab showing ``path`` (a file) or a URL, with network and console recorded."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"]
        page = Page(self, session, target)
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.send(f"{domain}.enable", session=session)
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": self.size[0], "height": self.size[1], "deviceScaleFactor": 1,
                   "mobile": False}, session=session)
        url = Path(path).resolve().as_uri() if "://" not in str(path) else str(path)
        self.send("Page.bringToFront", session=session)  # background tabs are throttled
        self.send("Page.navigate", {"url": url}, session=session)
        page.wait_event("Page.loadEventFired")
        return page


class Page:
    """One tab: evaluate JavaScript, type, screenshot; ``requests`` and ``errors`` it produced."""

    def __init__(self, browser: Browser, session: str, target: str = "") -> None:
        self.browser = browser
        self.session = session
        self.target = target
        self.requests: list[str] = []  # every URL the page asked for
        self.errors: list[str] = []  # console errors, uncaught exceptions, failed loads

    def _drain(self) -> list[str]:
        names = []
        for ev in self.browser.events():
            if ev.get("sessionId") not in (None, self.session):
                continue
            method, p = ev.get("method", ""), ev.get("params", {})
            names.append(method)
            if method == "Network.requestWillBeSent":
                self.requests.append(p["request"]["url"])
            elif method == "Network.loadingFailed" and not p.get("canceled"):
                self.errors.append(f"load failed: {p.get('errorText')}")
            elif method == "Runtime.exceptionThrown":
                d = p.get("exceptionDetails", {})
                self.errors.append("exception: " + d.get("exception", {}).get(
                    "description", d.get("text", "")))
            elif method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                self.errors.append("console: " + " ".join(
                    str(a.get("value", a.get("description", ""))) for a in p.get("args", [])))
            elif method == "Log.entryAdded" and p["entry"].get("level") == "error":
                self.errors.append(f"log: {p['entry'].get('text')}")
        return names

    def wait_event(self, method: str, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (timeout or self.browser.timeout)
        while time.monotonic() < deadline:
            if method in self._drain():
                return
            time.sleep(0.05)
        raise BrowserError(f"no {method} within {timeout or self.browser.timeout}s")

    @property
    def external_requests(self) -> list[str]:
        """Requests for anything but the file itself and inline data."""
        self._drain()
        return [u for u in self.requests if not u.startswith(LOCAL_SCHEMES)]

    def eval(self, expression: str):
        """The JSON value of a JavaScript expression (promises awaited)."""
        result = self.browser.send("Runtime.evaluate", {"expression": expression,
                                                        "returnByValue": True,
                                                        "awaitPromise": True},
                                   session=self.session)
        self._drain()
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression[:60]}: {result['exceptionDetails'].get('text')} "
                               f"{result['result'].get('description', '')}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float | None = None) -> None:
        """Poll until ``expression`` is truthy."""
        deadline = time.monotonic() + (timeout or self.browser.timeout)
        while time.monotonic() < deadline:
            if self.eval(expression):
                return
            time.sleep(0.1)
        raise BrowserError(f"still false after {timeout or self.browser.timeout}s: {expression}")

    def type_text(self, selector: str, text: str, enter: bool = True) -> None:
        """Focus ``selector`` and type ``text`` as a user would (then Enter)."""
        self.eval(f"document.querySelector({json.dumps(selector)}).focus()")
        self.browser.send("Input.insertText", {"text": text}, session=self.session)
        if enter:
            for kind in ("keyDown", "keyUp"):
                self.browser.send("Input.dispatchKeyEvent",
                                  {"type": kind, "key": "Enter", "code": "Enter",
                                   "windowsVirtualKeyCode": 13, "text": "\r"},
                                  session=self.session)
        self._drain()

    def close(self) -> None:
        """Close the tab."""
        if self.target:
            self.browser.send("Target.closeTarget", {"targetId": self.target})

    def screenshot(self, out: Path | str) -> Path:
        """Save a PNG of the viewport."""
        data = self.browser.send("Page.captureScreenshot", {"format": "png"},
                                 session=self.session)["data"]
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(base64.b64decode(data))
        return out


def check_page(page_file: Path | str, screenshot: Path | str | None = None,
               width: int = 1600, height: int = 1000, timeout: float = 300) -> dict:
    """Open a ``kg viz`` page offline, wait for the layout, report problems, optionally screenshot.

    Returns ``{"errors", "external_requests", "nodes", "seconds"}``.
    """
    start = time.monotonic()
    with Browser(width=width, height=height, timeout=timeout) as browser:
        page = browser.open(page_file)
        page.wait_for("document.body.getAttribute('data-stable') === '1'", timeout=timeout)
        seconds = time.monotonic() - start
        nodes = page.eval("window.mkgViz ? mkgViz.visibleNodeIds().length : 0")
        if screenshot:
            time.sleep(0.3)  # the frame after the last layout step
            page.screenshot(screenshot)
        return {"errors": page.errors, "external_requests": page.external_requests,
                "nodes": nodes, "seconds": round(seconds, 1)}


if __name__ == "__main__":
    import sys

    if len(sys.argv) not in (2, 3):
        sys.exit("usage: python -m kg.viz.browser PAGE.html [SCREENSHOT.png]")
    report = check_page(sys.argv[1], sys.argv[2] if len(sys.argv) == 3 else None)
    print(json.dumps(report, indent=1))
    sys.exit(1 if report["errors"] or report["external_requests"] else 0)
