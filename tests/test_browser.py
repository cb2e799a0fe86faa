"""Every notebook driven in JupyterLab in headless Chromium, as a student would run it.

Run alone with `pytest -m browser -rs` (it is also part of `make test`). Needs Debian's `chromium`
(`apt-get install chromium`; no `playwright install`) and the `playwright` Python package; without
them the tests are skipped with the reason. Screenshots and per-notebook timings go to
artifacts/screenshots/. LECTURE_BROWSER_NOTEBOOKS=path1:path2 adds notebooks outside notebooks/
(for trying the test on a scratch notebook); LECTURE_BROWSER_TIMEOUT sets the seconds a notebook
may take to run (default 1200).
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import pathlib
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from notebook_meta import NOTEBOOKS, ROOT, load

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = ROOT / "artifacts" / "screenshots"
RUN_TIMEOUT_S = float(os.environ.get("LECTURE_BROWSER_TIMEOUT", "1200"))
DEMO_TIMEOUT_S = 120.0
EXTRA = [pathlib.Path(p).resolve()
         for p in os.environ.get("LECTURE_BROWSER_NOTEBOOKS", "").split(os.pathsep) if p]
TARGETS = list(NOTEBOOKS) + EXTRA

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
# ipywidgets model name -> the CSS class its view carries in JupyterLab (ipywidgets 8).
CONTROL_CLASSES = {
    "slider": ".widget-slider",
    "progress": ".widget-hprogress, .widget-vprogress",
    "button": ".widget-button",
    "dropdown": ".widget-dropdown",
    "checkbox": ".widget-checkbox",
    "toggle": ".widget-toggle-buttons, .widget-toggle-button",
    "radio": ".widget-radio",
}
MODEL_KIND = {
    **dict.fromkeys(["IntSliderModel", "FloatSliderModel", "FloatLogSliderModel", "SelectionSliderModel",
                     "IntRangeSliderModel", "FloatRangeSliderModel", "SelectionRangeSliderModel"], "slider"),
    **dict.fromkeys(["IntProgressModel", "FloatProgressModel"], "progress"),
    "ButtonModel": "button",
    "DropdownModel": "dropdown",
    "CheckboxModel": "checkbox",
    **dict.fromkeys(["ToggleButtonsModel", "ToggleButtonModel"], "toggle"),
    "RadioButtonsModel": "radio",
}
# Controls a student moves; progress bars are not among them.
INTERACTIVE = ["slider", "dropdown", "checkbox", "toggle", "radio", "button"]


# --------------------------------------------------------------------------- what the notebook implies
@dataclass
class Expected:
    """What one code cell's outputs should show once it has run in a browser."""

    index: int  # position among all cells
    widget_views: int = 0  # top-level widget outputs in the committed notebook
    controls: dict[str, int] = field(default_factory=dict)  # kind -> minimum count
    interact: bool = False  # the source calls interact / interactive
    progress: bool = False  # the source drives a tqdm.auto / tqdm.notebook bar


def _calls(source: str) -> set[str]:
    """Names of the functions a cell's code calls or uses as decorators (magics removed)."""
    code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set(re.findall(r"\b(\w+)\s*\(", code))
    names = set()
    for node in ast.walk(tree):
        target = node.func if isinstance(node, ast.Call) else node
        if isinstance(target, ast.Attribute):
            names.add(target.attr)
        elif isinstance(target, ast.Name) and isinstance(node, ast.Call | ast.FunctionDef):
            names.add(target.id)
        if isinstance(node, ast.FunctionDef):
            for deco in node.decorator_list:
                base = deco.func if isinstance(deco, ast.Call) else deco
                names.add(base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", ""))
    return names


def _count_controls(model_id: str, state: dict, counts: dict[str, int], seen: set[str]) -> None:
    """Walk a saved widget tree (Box children, Output outputs) and count its controls by kind."""
    if model_id in seen or model_id not in state:
        return
    seen.add(model_id)
    model = state[model_id]
    kind = MODEL_KIND.get(model.get("model_name", ""))
    if kind:
        counts[kind] = counts.get(kind, 0) + 1
    st = model.get("state", {})
    for child in st.get("children", []):
        _count_controls(str(child).removeprefix("IPY_MODEL_"), state, counts, seen)
    for out in st.get("outputs", []):
        view = out.get("data", {}).get(WIDGET_VIEW)
        if view:
            _count_controls(view["model_id"], state, counts, seen)


def expected_widgets(nb: dict) -> list[Expected]:
    """Per code cell: the widgets its committed outputs and its source say it creates."""
    state = nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    uses_tqdm_widget = any(re.search(r"tqdm\.(auto|notebook)|tqdm_notebook", "".join(c["source"]))
                           for c in nb["cells"] if c["cell_type"] == "code")
    result = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code" or not "".join(cell["source"]).strip():
            continue
        source = "".join(cell["source"])
        calls = _calls(source)
        exp = Expected(index=i)
        exp.interact = bool(calls & {"interact", "interactive", "interact_manual"})
        exp.progress = uses_tqdm_widget and bool(calls & {"tqdm", "trange"}) and "leave=False" not in source
        for out in cell.get("outputs", []):
            view = out.get("data", {}).get(WIDGET_VIEW)
            if view and view.get("model_id") in state:
                exp.widget_views += 1
                _count_controls(view["model_id"], state, exp.controls, set())
        if exp.interact:
            exp.controls.setdefault("slider", 0)
        if exp.progress:
            exp.controls["progress"] = max(1, exp.controls.get("progress", 0))
        result.append(exp)
    return result


def _runnable_copy(src: pathlib.Path, dest: pathlib.Path) -> None:
    """The notebook without outputs or saved widget state: everything seen comes from this run."""
    nb = load(src)
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    nb.get("metadata", {}).pop("widgets", None)
    dest.write_text(json.dumps(nb, indent=1))


# --------------------------------------------------------------------------- server and browser
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _descendants(pid: int) -> set[int]:
    try:
        import psutil

        return {p.pid for p in psutil.Process(pid).children(recursive=True)}
    except Exception:  # psutil missing or the process is gone
        return set()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie child of ours counts as gone
        import psutil

        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except Exception:
        return True


def _stop(server: subprocess.Popen, known: set[int]) -> None:
    """Stop the server and every kernel it started, by their process ids (and groups we created)."""
    known |= _descendants(server.pid)
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)  # the server shuts its kernels down on SIGTERM
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=20)
    for pid in sorted(known | {server.pid}):
        if _alive(pid):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                # Kernels run in their own session: take their helpers (data loaders) with them.
                if os.getpgid(pid) == pid:
                    os.killpg(pid, signal.SIGKILL)
                else:
                    os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(server.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.wait(timeout=10)


@dataclass
class Lab:
    url: str
    token: str
    root: pathlib.Path
    server: subprocess.Popen
    log: pathlib.Path
    pids: set[int]

    def api(self, path: str, method: str = "GET") -> object:
        req = urllib.request.Request(f"{self.url}/api/{path}", method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=30) as r:
            body = r.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        with contextlib.suppress(OSError):
            for kernel in self.api("kernels"):
                self.api(f"kernels/{kernel['id']}", method="DELETE")

    def log_tail(self, n: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])


def _write_settings(settings: pathlib.Path) -> None:
    """User settings for this run only: no news pop-up, every cell attached to the page."""
    files = {
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
            {"fetchNews": "false", "checkForUpdates": False},
        # The default windowing leaves off-screen cells out of the page; the test needs them all.
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    }
    for name, value in files.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    if not TARGETS:
        pytest.skip("no notebooks/NN_*.ipynb to open")
    base = tmp_path_factory.mktemp("lab")
    root = base / "notebooks"
    shutil.copytree(ROOT / "notebooks", root, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "*.ipynb"))
    for path in TARGETS:
        _runnable_copy(path, root / path.name)
    _write_settings(base / "settings")
    env = {**os.environ,
           "JUPYTERLAB_SETTINGS_DIR": str(base / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"),
           "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
           "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    port, token = _free_port(), secrets.token_hex(16)
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           "--ServerApp.port_retries=0", f"--ServerApp.token={token}", f"--ServerApp.root_dir={root}",
           "--LabApp.expose_app_in_browser=True"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log = base / "server.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(cmd, stdout=sink, stderr=subprocess.STDOUT, env=env, cwd=base,
                                  start_new_session=True)
    lab = Lab(f"http://127.0.0.1:{port}", token, root, server, log, set())
    try:
        deadline = time.monotonic() + 120
        while True:
            if server.poll() is not None:
                pytest.fail(f"jupyter lab exited with {server.returncode}:\n{lab.log_tail()}")
            try:
                with urllib.request.urlopen(f"{lab.url}/api/status?token={token}", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"jupyter lab did not answer in 120 s:\n{lab.log_tail()}")
            time.sleep(0.5)
        yield lab
    finally:
        _stop(server, lab.pids)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright Python package is not installed (pip extra 'test')")
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"no Chromium at {CHROMIUM}: `apt-get install -y chromium` (or set CHROMIUM=...)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


# --------------------------------------------------------------------------- page helpers
CELL = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell"

JS_CELLS = """() => Array.from(document.querySelectorAll(%r)).map((cell) => {
  const prompt = cell.querySelector('.jp-InputArea-prompt');
  const count = (sel) => cell.querySelectorAll('.jp-OutputArea ' + sel).length;
  // A widget view is an output without a mime-type attribute whose child is the widget.
  const tops = Array.from(cell.querySelectorAll(
    '.jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output'));
  const views = tops.filter((o) => !o.hasAttribute('data-mime-type'));
  return {
    code: cell.classList.contains('jp-CodeCell'),
    prompt: prompt ? prompt.innerText.trim() : '',
    stderr: Array.from(cell.querySelectorAll(
      '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')).map((e) => e.innerText),
    views: views.length,
    rendered: views.filter((v) => v.querySelector(':scope > .jupyter-widgets')).length,
    broken: tops.map((v) => v.innerText).filter((t) => /Error displaying widget|Loading widget/.test(t)),
    counts: Object.fromEntries(Object.entries(%s).map(([k, sel]) => [k, count(sel)])),
    interact: count('.widget-interact'),
    images: count('img'),
  };
})"""


def _cells(page) -> list[dict]:
    return page.evaluate(JS_CELLS % (CELL, json.dumps(CONTROL_CLASSES)))


def _wait_idle(page, timeout_s: float, started: bool = True) -> None:
    """Wait until no cell is queued or running and the kernel reports idle, three polls in a row."""
    deadline, calm = time.monotonic() + timeout_s, 0
    while calm < 3:
        busy = page.evaluate(
            """(sel) => Array.from(document.querySelectorAll(sel + ' .jp-InputArea-prompt'))
                  .some((p) => p.innerText.includes('*'))
                || !document.querySelector(".jp-NotebookPanel:not(.lm-mod-hidden) "
                                           + ".jp-Notebook-ExecutionIndicator[data-status='idle']")""", CELL)
        calm = 0 if busy else calm + 1
        if time.monotonic() > deadline:
            raise AssertionError(f"the kernel was still busy after {timeout_s:.0f} s")
        time.sleep(1.0)


JS_KERNEL = """() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const kernel = panel && panel.sessionContext && panel.sessionContext.session
                 && panel.sessionContext.session.kernel;
  return kernel ? kernel.connectionStatus + '/' + kernel.status : 'none';
}"""


def _wait_kernel_ready(page, timeout_s: float = 180) -> None:
    """Wait until the notebook's own kernel is connected and idle (the toolbar shows idle too early)."""
    deadline = time.monotonic() + timeout_s
    while (status := page.evaluate(JS_KERNEL)) != "connected/idle":
        dialog = page.locator(".jp-Dialog")
        if dialog.count() and "Select Kernel" in dialog.first.inner_text():
            dialog.locator(".jp-mod-accept").first.click()  # the notebook's own kernel is preselected
        if time.monotonic() > deadline:
            raise AssertionError(f"the notebook's kernel is not ready after {timeout_s:.0f} s: {status}")
        time.sleep(0.5)


def _clip(text: str, head: int = 300, tail: int = 600) -> str:
    """A traceback's start (where) and end (the exception's message)."""
    return text if len(text) <= head + tail else f"{text[:head]}\n[...]\n{text[-tail:]}"


def _menu(page, menu: str, item: str) -> None:
    page.locator(f".lm-MenuBar-itemLabel:text-is('{menu}')").click()
    page.locator(f".lm-Menu-itemLabel:text-is('{item}')").click()


def _dialogs(page) -> list[str]:
    return page.evaluate("() => Array.from(document.querySelectorAll('.jp-Dialog')).map((d) => d.innerText)")


JS_SNAPSHOT = """(area) => {
  const clone = area.cloneNode(true);
  clone.querySelectorAll(%r).forEach((e) => e.remove());
  return {
    text: clone.textContent.replace(/\\s+/g, ' ').trim(),
    readouts: Array.from(area.querySelectorAll('.widget-readout')).map((e) => e.textContent),
    values: Array.from(area.querySelectorAll('select, input')).map((e) => e.value + ':' + e.checked),
    images: Array.from(area.querySelectorAll('img')).map((e) => e.src)
      .concat(Array.from(area.querySelectorAll('svg'))
        .map((e) => e.outerHTML.length + e.outerHTML.slice(-200))),
  };
}"""
# What is removed before comparing the text: the controls themselves (their readouts move anyway).
CONTROLS_SELECTOR = ", ".join(CONTROL_CLASSES[k] for k in INTERACTIVE)


def _snapshot(area) -> dict:
    return area.evaluate(JS_SNAPSHOT % CONTROLS_SELECTOR)


def _operate(page, cell) -> str:
    """Move one control of a demo the way a student would; return what was done."""
    handle = cell.locator(".jp-OutputArea .noUi-handle")
    if handle.count():
        first, readout = handle.first, cell.locator(".jp-OutputArea .widget-readout").first
        before = readout.text_content() if readout.count() else None
        first.focus()
        first.press("ArrowRight")
        page.wait_for_timeout(300)
        if readout.count() and readout.text_content() == before:  # at its maximum: go the other way
            first.press("ArrowLeft")
            first.press("ArrowLeft")
        done = "slider ArrowRight"
    elif cell.locator(".jp-OutputArea .widget-dropdown select").count():
        select = cell.locator(".jp-OutputArea .widget-dropdown select").first
        n = select.locator("option").count()
        current = select.evaluate("(s) => s.selectedIndex")
        select.select_option(index=(current + 1) % max(n, 1))
        done = "dropdown next option"
    elif cell.locator(".jp-OutputArea .widget-toggle-buttons button:not(.mod-active)").count():
        cell.locator(".jp-OutputArea .widget-toggle-buttons button:not(.mod-active)").first.click()
        done = "toggle button"
    elif cell.locator(".jp-OutputArea .widget-radio input:not(:checked)").count():
        cell.locator(".jp-OutputArea .widget-radio input:not(:checked)").first.check()
        done = "radio button"
    elif cell.locator(".jp-OutputArea .widget-checkbox input").count():
        cell.locator(".jp-OutputArea .widget-checkbox input").first.click()
        done = "checkbox"
    else:
        cell.locator(".jp-OutputArea .widget-button").first.click()
        return "button click"
    # interact_manual: the change shows only after "Run Interact".
    manual = cell.locator(".jp-OutputArea .widget-interact .widget-button")
    if manual.count():
        manual.first.click()
        done += " + button click"
    return done


def _screenshot(page, path: pathlib.Path, max_height: int = 40_000) -> None:
    """The whole notebook in one image: scroll it a screen at a time and stitch the pieces.

    (One huge viewport instead leaves some widget outputs unpainted in headless Chromium.)
    """
    scroller = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer"
    box = page.evaluate("""(sel) => {
        const s = document.querySelector(sel); const r = s.getBoundingClientRect();
        return {x: r.left, y: r.top, width: s.clientWidth, height: s.clientHeight, total: s.scrollHeight};
    }""", scroller)
    try:
        from PIL import Image
    except ImportError:  # no Pillow: the first screen only
        page.screenshot(path=str(path))
        return
    import io

    canvas = Image.new("RGB", (int(box["width"]), int(min(box["total"], max_height))), "white")
    offset = 0
    while offset < canvas.height:
        top = page.evaluate("([sel, y]) => { const s = document.querySelector(sel); s.scrollTop = y;"
                            " return s.scrollTop; }", [scroller, offset])
        page.wait_for_timeout(300)
        png = page.screenshot(clip={k: box[k] for k in ("x", "y", "width", "height")})
        canvas.paste(Image.open(io.BytesIO(png)).convert("RGB"), (0, int(top)))
        if top + box["height"] >= box["total"]:
            break
        offset = int(top + box["height"])
    canvas.save(path)


# --------------------------------------------------------------------------- the tests
@pytest.mark.parametrize("path", TARGETS, ids=lambda p: p.name)
def test_notebook_runs_in_jupyterlab(path: pathlib.Path, browser, lab: Lab) -> None:
    expected = expected_widgets(load(path))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    report: dict = {"notebook": path.name}
    t0 = time.monotonic()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    console_errors: list[str] = []
    page.on("pageerror", lambda e: console_errors.append(str(e)))
    try:
        # ?reset: a fresh workspace, so the notebooks of earlier tests are not reopened (and started).
        page.goto(f"{lab.url}/lab/tree/{path.name}?reset&token={lab.token}", timeout=120_000)
        page.wait_for_selector(f"{CELL}", timeout=120_000)
        _wait_kernel_ready(page)
        page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
        report["open_s"] = round(time.monotonic() - t0, 1)

        t_run = time.monotonic()
        _menu(page, "Run", "Run All Cells")
        page.wait_for_function(  # the first code cell has been queued or has run
            """(sel) => Array.from(document.querySelectorAll(sel + '.jp-CodeCell .jp-InputArea-prompt'))
                  .some((p) => /\\[[*0-9]/.test(p.innerText))""", arg=CELL, timeout=60_000)
        _wait_idle(page, RUN_TIMEOUT_S)
        page.wait_for_timeout(1500)  # let the last widget views attach
        report["run_s"] = round(time.monotonic() - t_run, 1)
        lab.pids |= _descendants(lab.server.pid)

        cells = _cells(page)
        assert not _dialogs(page), f"a dialog is open (kernel died?): {_dialogs(page)}"
        # 1. no errors, every code cell ran
        errors = [(i, _clip(t)) for i, c in enumerate(cells) for t in c["stderr"]
                  if re.search(r"Traceback \(most recent call last\)|^\w*(Error|Exception)\b", t, re.M)]
        assert not errors, "error output in cell(s):\n" + "\n".join(f"cell {i}: {t}" for i, t in errors)
        not_run = [e.index for e in expected if not re.fullmatch(r"\[\d+\]:", cells[e.index]["prompt"])]
        prompts = [cells[i]["prompt"] for i in not_run]
        assert not not_run, f"code cells {not_run} did not run (prompts {prompts})"
        # 2. every widget the notebook creates is rendered
        problems = []
        for e in expected:
            got = cells[e.index]
            if got["broken"]:
                problems.append(f"cell {e.index}: {got['broken']}")
            if got["rendered"] < e.widget_views:
                problems.append(f"cell {e.index}: {got['rendered']} widget outputs rendered, "
                                f"the committed notebook has {e.widget_views}")
            for kind, n in e.controls.items():
                if got["counts"][kind] < max(n, 1 if kind == "progress" else n):
                    problems.append(f"cell {e.index}: {got['counts'][kind]} {kind}(s) rendered, expected {n}")
            if e.interact and (not got["interact"] or not any(got["counts"][k] for k in INTERACTIVE)):
                problems.append(f"cell {e.index}: interact(...) rendered no controls")
        assert not problems, "widgets missing:\n" + "\n".join(problems)
        report["widgets"] = {k: sum(c["counts"][k] for c in cells) for k in CONTROL_CLASSES}

        # 3. moving one control of each interactive demo changes its readout and its plot
        demos = [i for i, c in enumerate(cells) if any(c["counts"][k] for k in INTERACTIVE)]
        report["demos"] = []
        failures = []
        for i in demos:
            cell = page.locator(CELL).nth(i)
            area = cell.locator(".jp-OutputArea").first
            area.scroll_into_view_if_needed()
            before = _snapshot(area)
            action = _operate(page, cell)
            deadline, after = time.monotonic() + DEMO_TIMEOUT_S, before
            while time.monotonic() < deadline:
                page.wait_for_timeout(500)
                after = _snapshot(area)
                if after["text"] != before["text"] and after["images"] != before["images"]:
                    break
            _wait_idle(page, DEMO_TIMEOUT_S)
            after = _snapshot(area)
            moved = after["readouts"] != before["readouts"] or after["values"] != before["values"]
            text, plot = after["text"] != before["text"], after["images"] != before["images"]
            report["demos"].append({"cell": i, "action": action, "control_moved": moved,
                                    "text_changed": text, "plot_changed": plot})
            if not (text and plot):
                failures.append(f"cell {i} ({action}): text changed={text}, plot changed={plot}"
                                + ("" if before["images"] else " (the demo shows no image)"))
        errors = [(i, _clip(t)) for i, c in enumerate(_cells(page)) for t in c["stderr"]
                  if re.search(r"Traceback \(most recent call last\)|^\w*(Error|Exception)\b", t, re.M)]
        assert not errors, "a demo raised:\n" + "\n".join(f"cell {i}: {t}" for i, t in errors)
        assert not failures, "demos that did not respond:\n" + "\n".join(failures)
    finally:
        with contextlib.suppress(Exception):
            _screenshot(page, ARTIFACTS / f"{path.stem}.png")
        report["total_s"] = round(time.monotonic() - t0, 1)
        report["page_errors"] = console_errors[:10]
        (ARTIFACTS / f"{path.stem}.json").write_text(json.dumps(report, indent=1))
        print(json.dumps(report))
        lab.pids |= _descendants(lab.server.pid)
        context.close()
        lab.shutdown_kernels()  # free the CPU for the next notebook


# --------------------------------------------------------------------------- the slide deck
def _slides_tool():
    import importlib.util

    spec = importlib.util.spec_from_file_location("lecture_slides", ROOT / "tools" / "slides.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_slide_deck_renders_offline(browser, tmp_path: pathlib.Path) -> None:
    """One deck, opened from disk with the network cut off: its first and a later slide render."""
    if not TARGETS:
        pytest.skip("no notebooks/NN_*.ipynb to export")
    slides = _slides_tool()
    static = ROOT / "artifacts" / "slides" / slides.STATIC
    if not slides._complete(static):
        pytest.skip(f"no offline reveal.js in {static.relative_to(ROOT)}: run `make slides` once (needs npm)")
    path = TARGETS[0]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (tmp_path / slides.STATIC).symlink_to(static, target_is_directory=True)
    t0 = time.monotonic()
    deck = slides.export(path, tmp_path, offline=True)
    kinds = slides.slide_types(load(path))
    nb = load(path)
    titles = [slides._first_line(c).lstrip("# ").strip() for c, k in zip(nb["cells"], kinds, strict=True)
              if k == "slide"]
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    outside: list[str] = []

    def offline(route) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", offline)
    page = context.new_page()
    try:
        page.goto(deck.as_uri())
        page.wait_for_selector(".reveal.ready", timeout=60_000)  # reveal.js initialised
        present = ".reveal .slides > section.present"
        assert titles[0] in page.locator(present).inner_text(), "the first slide is not the title"
        page.keyboard.press("ArrowRight")
        shows = f"(t) => document.querySelector('{present}').innerText.includes(t)"
        page.wait_for_function(shows, arg=titles[1], timeout=10_000)
        page.keyboard.press("End")  # the last section
        page.wait_for_function(shows, arg=titles[-1], timeout=10_000)
        assert page.locator(".reveal .slides > section").count() == len(titles)
        # MathJax ran (offline) if the notebook has any math.
        if any("$" in "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"):
            page.wait_for_selector(".MathJax_CHTML", state="attached", timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / f"{path.stem}.slides.png"))
        loaded_from_cdn = [u for u in outside if not u.startswith("https://fonts.googleapis.com/")]
        assert not loaded_from_cdn, f"the deck needs the network for {loaded_from_cdn}"
        seconds = round(time.monotonic() - t0, 1)
        print(json.dumps({"deck": deck.name, "slides": len(titles), "seconds": seconds}))
    finally:
        context.close()
