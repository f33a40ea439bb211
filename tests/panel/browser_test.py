#!/usr/bin/python3
"""The front panel in a real browser: `spiceloop serve --panel` on the lab16_hil bench (ideal
solver), the page opened in Debian's headless Chromium through chromedriver (python3-selenium).
Checks that the graph draws every edge, that a SCPI write from a socket client changes the drawn
value within a second, that the pause button is refused without the token and works with it, and
saves a screenshot. Exits 77 (ctest: skipped) with the reason when no browser can be driven here.

    /usr/bin/python3 tests/panel/browser_test.py --spiceloop build/spiceloop --screenshot build/panel.png
"""
import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

SKIP = 77
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def skip(why):
    print(f"SKIPPED: {why}")
    sys.exit(SKIP)


try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
except ImportError:
    skip("python3-selenium is not installed (tools/setup.sh installs it: apt-get install python3-selenium)")


class Line:
    """A line-protocol client with a timeout (SCPI, or the control port's JSON lines)."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.buf = b""

    def query(self, text):
        self.sock.sendall(text.encode() + b"\n")
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RuntimeError("closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode()


def start_serve(spiceloop):
    proc = subprocess.Popen([spiceloop, "serve", os.path.join(ROOT, "netlists/benches/lab16_hil.json"),
                             "--backend", "ideal", "--port", "0", "--no-pty", "--panel", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    ports, url = {}, None
    deadline = time.time() + 30
    for line in proc.stdout:
        m = re.match(r"\s+(\S+)\s+TCPIP0::127\.0\.0\.1::(\d+)::SOCKET", line)
        if m:
            ports[m.group(1)] = int(m.group(2))
        m = re.match(r"\s+control\s+127\.0\.0\.1:(\d+)", line)
        if m:
            ports["control"] = int(m.group(1))
        m = re.match(r"\s+panel\s+(http://\S+)", line)
        if m:
            url = m.group(1)
        if line.startswith("ready") or time.time() > deadline:
            break
    if not url:
        proc.kill()
        raise RuntimeError("serve printed no panel address")
    return proc, ports, url


def wait_for(what, fn, timeout=10.0, step=0.02):
    end = time.time() + timeout
    while time.time() < end:
        value = fn()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out waiting for {what}")


def browser(profile):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver") or ("/usr/bin/chromedriver" if os.path.exists("/usr/bin/chromedriver") else None)
    if not chromium or not driver:
        skip("Debian's chromium and chromium-driver are not installed (tools/setup.sh installs them)")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1440,1050"]:
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(executable_path=driver), options=options)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spiceloop", required=True)
    ap.add_argument("--screenshot", required=True)
    args = ap.parse_args()

    proc, ports, url = start_serve(args.spiceloop)
    profile = tempfile.mkdtemp(prefix="spiceloop-chromium-")
    page = None
    try:
        page = browser(profile)
        page.set_page_load_timeout(20)
        network = Line(ports["network"])
        control = Line(ports["control"])
        digipots = Line(ports["digipots"])
        source = Line(ports["source"])
        edges = int(network.query("EDGE:COUN?"))
        names = network.query("EDGE:NAME?").replace('"', "").split(",")

        # 1. Without the token: the page watches; every edge is drawn.
        watch_url = url.split("#")[0]
        page.get(watch_url)
        wait_for("the first frame", lambda: page.execute_script("return Number(document.body.dataset.frames || 0)") >= 1)
        drawn = page.execute_script("return [...document.querySelectorAll('#network [data-edge]')].map(e => e.dataset.edge)")
        assert sorted(drawn) == sorted(names) and len(drawn) == edges, f"drawn {len(drawn)} edges of {edges}: {drawn}"
        print(f"graph: {len(drawn)} of {edges} edges drawn")

        # 2. A SCPI write from a socket client is drawn within a second.
        with open(os.path.join(ROOT, "netlists/benches/lab16_hil.json")) as f:
            edge = next(d["edge"] for d in json.load(f)["digipots"] if d["channel"] == 1)
        before = page.execute_script("return document.querySelector('[data-edge=\"%s\"]').dataset.siemens" % edge)
        code = 11 if int(digipots.query("DPOT:CODE? (@1)")) != 11 else 13
        assert digipots.query(f"DPOT:CODE {code},(@1);*OPC?") == "1"
        written = time.time()
        js = "const e = document.querySelector('[data-edge=\"%s\"]'); return e && e.dataset.code" % edge
        wait_for("the new code on the page", lambda: page.execute_script(js) == str(code), timeout=1.0)
        latency = time.time() - written
        after = page.execute_script("return document.querySelector('[data-edge=\"%s\"]').dataset.siemens" % edge)
        print(f"scpi write drawn after {latency * 1000:.0f} ms (siemens {before} -> {after})")
        assert latency < 1.0

        # 3. Pause without the token: refused, the instruments keep running.
        page.find_element(By.ID, "pause").click()
        wait_for("the refusal", lambda: page.execute_script("return document.getElementById('action-status').dataset.last") ==
                 "panel.unauthorized")
        assert json.loads(control.query('{"cmd":"ports"}'))["paused"] is False
        assert "," in source.query("*IDN?")
        print("pause without the token: refused")

        # 4. With the token: pause works, and resume.
        page.get(url)
        page.refresh()  # a fragment-only change does not reload
        wait_for("the first frame", lambda: page.execute_script("return Number(document.body.dataset.frames || 0)") >= 1)
        page.find_element(By.ID, "pause").click()
        wait_for("pause", lambda: json.loads(control.query('{"cmd":"ports"}'))["paused"] is True, timeout=3)
        wait_for("the PAUSED badge", lambda: page.find_element(By.ID, "paused").is_displayed(), timeout=3)
        wait_for("the resume button", lambda: page.find_element(By.ID, "pause").text == "Resume", timeout=3)
        page.find_element(By.ID, "pause").click()
        wait_for("resume", lambda: json.loads(control.query('{"cmd":"ports"}'))["paused"] is False, timeout=3)
        print("pause and resume with the token: done")

        # Some learning for the picture: sources on, the sign rule clocked in rounds, a fault in force.
        source.query("VOLT 0.45,(@1);VOLT 0.15,(@2);VOLT 0.3,(@3);VOLT 0.05,(@4);:OUTP ON,(@1:4);*OPC?")
        network.query("LEARN:RULE SIGN;:LEARN:TARGET 0.25,(@1);:LEARN:TARGET 0.12,(@2);*OPC?")
        for _ in range(12):
            network.query("LEARN:CLOCK 3;*OPC?")
            time.sleep(0.12)
        scanner = Line(ports["scanner"])
        scanner.query("MEAS:VOLT:DC? (@101:109)")
        control.query('{"cmd":"fault","port":"scanner","kind":"delay","ms":2}')
        wait_for("the chart points", lambda: page.execute_script(
            "return document.querySelectorAll('.chart .u-over').length") == 4, timeout=3)
        time.sleep(0.6)
        page.save_screenshot(args.screenshot)
        print(f"screenshot: {args.screenshot}")
        print("1 passed, 0 failed")
        return 0
    finally:
        if page:
            page.quit()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
