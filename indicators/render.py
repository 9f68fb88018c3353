"""Chart images (PNG, SVG, PDF) rendered by kaleido in Debian's Chromium, one browser kept per process.

Starting a Chromium costs about 2 s and 465 MiB, so one is started on the first image export and
kept; kaleido's sync server is not used (it can hang forever if Chromium dies, and is not thread-safe).
"""

from __future__ import annotations

import asyncio
import atexit
import os
import re
import shutil
import struct
import threading
import warnings
import zlib
from xml.sax.saxutils import escape as xml_escape

import plotly.graph_objects as go

from .settings import forced_browser
from .text import inert, plain

# --------------------------------------------------------------------------- images

IMAGE_FORMATS = ("png", "svg", "pdf")
_BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL_HINT = ("Image downloads need a Chromium: on Debian/Ubuntu run "
                "`sudo apt-get install -y chromium` (or set BROWSER_PATH)")
START_TIMEOUT = 60.0   # seconds to launch Chromium and load plotly.js
RENDER_TIMEOUT = 60.0  # seconds for one image


class ImageExportUnavailable(RuntimeError):
    """Static images cannot be made here; the message says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _browser_path() -> tuple[str | None, str | None]:
    """(path, problem): the Chromium we will launch, chosen here so kaleido never
    picks a different (or downloaded) browser than the one image_support reported."""
    forced = forced_browser()
    if forced:
        if os.path.isfile(forced) and os.access(forced, os.X_OK):
            return forced, None
        return None, f"BROWSER_PATH={forced!r} is not an executable file. {INSTALL_HINT}."
    for name in _BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found, None
    return None, f"{INSTALL_HINT}."


def image_support() -> str | None:
    """None when PNG/SVG/PDF export can work; otherwise what is missing and how to install it."""
    try:
        import kaleido  # noqa: F401
    except ImportError:
        return "Image downloads need the kaleido package (>= 1.5): run `bash scripts/setup.sh`."
    return _browser_path()[1]


class _Renderer:
    """One kaleido Chromium on a private event loop, kept for the process.

    Why not kaleido.start_sync_server(): its calls wait on a queue without a
    timeout, so a browser that fails to launch (or dies) hangs the caller forever,
    and two threads (two Streamlit sessions) calling at once can receive each
    other's images. Here every call has a timeout and a failed browser is replaced.
    """

    def __init__(self, browser: str) -> None:
        import kaleido

        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="kaleido-renderer", daemon=True)
        self._thread.start()

        async def launch():
            # mathjax=False: no request to a CDN at start, and the charts use no LaTeX; path: the
            # browser image_support() reported, never one kaleido would look for or download.
            k = kaleido.Kaleido(n=1, timeout=RENDER_TIMEOUT, mathjax=False, path=browser)
            await k.open()
            return k

        try:
            self._kaleido = self._run(launch(), START_TIMEOUT)
        except BaseException:
            self._stop_loop()
            raise

    def _run(self, coro, timeout: float):
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return future.result(timeout)
        except BaseException:
            future.cancel()  # a stuck launch or render must not keep running in the loop
            raise

    def render(self, fig: dict, opts: dict) -> bytes:
        return self._run(self._kaleido.calc_fig(fig, opts=opts), RENDER_TIMEOUT + 15)

    def alive(self) -> bool:
        return self._thread.is_alive()

    def close(self) -> None:
        try:
            self._run(self._kaleido.close(), 10)
        except BaseException:  # noqa: BLE001 closing a broken browser: best effort
            pass
        self._stop_loop()

    def _stop_loop(self) -> None:
        async def cancel_the_rest() -> None:  # e.g. the watchdog of a browser that crashed
            rest = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in rest:
                task.cancel()
            await asyncio.gather(*rest, return_exceptions=True)

        try:
            self._run(cancel_the_rest(), 5)
        except BaseException:  # noqa: BLE001 best effort
            pass
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        if not self._thread.is_alive():
            self._loop.close()


_LOCK = threading.Lock()
_renderer: _Renderer | None = None


def _shutdown() -> None:
    global _renderer
    with _LOCK:
        if _renderer is not None:
            _renderer.close()
            _renderer = None


atexit.register(_shutdown)
# plotly.io.to_image warns on every call when kaleido's sync server runs; harmless if
# anything else in the process uses it, so keep the log clean.
warnings.filterwarnings("ignore", message="The kopts argument is ignored if using a server", category=UserWarning)


def _render(fig_dict: dict, opts: dict) -> bytes:
    """Render with the process's browser, starting it on first use and replacing it once if it broke."""
    global _renderer
    from kaleido.errors import JavascriptError, KaleidoError

    with _LOCK:
        last_error: BaseException | None = None
        for _attempt in range(2):
            if _renderer is not None and not _renderer.alive():
                _renderer = None
            if _renderer is None:
                browser, problem = _browser_path()
                if problem:
                    raise ImageExportUnavailable(problem)
                try:
                    _renderer = _Renderer(browser)
                except Exception as exc:  # noqa: BLE001 any launch failure means: no images
                    raise ImageExportUnavailable(
                        f"Image downloads could not start Chromium at {browser} ({_reason(exc)}). {INSTALL_HINT}."
                    ) from exc
            try:
                return _renderer.render(fig_dict, opts)
            except (KaleidoError, JavascriptError) as exc:  # plotly.js refused this figure: the browser is fine
                last_error = exc
                break
            except Exception as exc:  # noqa: BLE001 a crashed or stuck browser: replace it, try once more
                last_error = exc
                _renderer.close()
                _renderer = None
        raise ImageExportUnavailable(f"The image could not be rendered ({_reason(last_error)}); "
                                     "try again, or download the data instead.") from last_error


def _reason(exc: BaseException | None) -> str:
    if exc is None:
        return "unknown error"
    text = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
    text = text.strip().splitlines()[0] if text.strip() else ""
    return f"{type(exc).__name__}: {text}"[:300] if text else type(exc).__name__


SLIDE_HEIGHT = 900


def export_height(layout_height: float | None) -> int:
    """A slide's height, or the figure's own when taller (a long footnote never squeezes the plot)."""
    return max(SLIDE_HEIGHT, int(layout_height or 0))


def figure_bytes(fig: go.Figure | dict, fmt: str, width: int = 1600, height: int | None = None,
                 scale: float = 1.0, description: str = "") -> bytes:
    """The figure as PNG, SVG or PDF, exactly as on screen, at a 16:9 slide size by default.

    Only width and height change: the figure's own template, fonts and footnote are kept.
    1600x900 at scale 1 is a full-HD slide; pass scale=2 for print. A figure taller than 900 (a long
    footnote) keeps its own height by default, so its footnote never squeezes the plot.
    `description` (the chart in words) becomes the image's text alternative where the format has one:
    SVG `<title>` and `<desc>`, PNG `Title` and `Description` text chunks. Chromium's PDF has no place
    for alt text that kaleido reaches: a PDF keeps the title and footnote drawn in the figure.
    """
    fig_dict = fig.to_dict() if hasattr(fig, "to_dict") else dict(fig)
    if height is None:
        height = export_height(fig_dict.get("layout", {}).get("height"))
    fmt = fmt.lower()
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"unknown image format {fmt!r}: expected one of {', '.join(IMAGE_FORMATS)}")
    if not (50 <= width <= 10_000 and 50 <= height <= 10_000 and 0 < scale <= 8):
        raise ValueError(f"image size out of range: {width}x{height} at scale {scale}")
    data = _render(fig_dict, {"format": fmt, "width": width, "height": height, "scale": scale})
    title = _plain_title(fig_dict)
    if fmt == "svg":
        return svg_with_text(data, title, description)
    if fmt == "png":
        return png_with_text(data, {"Title": title, "Description": description})
    return data


def _plain_title(fig_dict: dict) -> str:
    title = fig_dict.get("layout", {}).get("title", {})
    return plain(title.get("text", "") if isinstance(title, dict) else str(title or ""))


def svg_with_text(svg: bytes, title: str, description: str) -> bytes:
    """An SVG that names itself to a screen reader: role="img", and <title>/<desc> as its first children."""
    text = svg.decode("utf-8")
    head = re.match(r"\s*(<\?xml[^>]*>\s*)?<svg\b[^>]*>", text)
    if head is None or not (title or description):
        return svg
    tag = head.group(0)
    opened = tag[:-1] + ' role="img" aria-labelledby="chart-title chart-desc">'
    inner = (f'<title id="chart-title">{xml_escape(inert(title))}</title>'
             f'<desc id="chart-desc">{xml_escape(inert(description))}</desc>')
    return (opened + inner + text[len(tag):]).encode("utf-8")


def png_with_text(png: bytes, texts: dict[str, str]) -> bytes:
    """A PNG with international text chunks (iTXt, UTF-8) after its header: 'Title', 'Description'
    are the PNG specification's keywords for what an image shows, read by image viewers and catalogues."""
    ihdr_end = 8 + 4 + 4 + 13 + 4
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        return png
    chunks = b""
    for keyword, text in texts.items():
        if not text:
            continue
        body = keyword.encode("latin-1") + b"\0\0\0" + b"\0" + b"\0" + inert(text).encode("utf-8")
        chunks += struct.pack(">I", len(body)) + b"iTXt" + body + struct.pack(">I", zlib.crc32(b"iTXt" + body))
    return png[:ihdr_end] + chunks + png[ihdr_end:]


