#!/usr/bin/env python3
"""Drives a real headless Chromium through Siang's web pages, end to end.

A citizen files a complaint anonymously towards the public but with contact details and
consent, sees the tracking code and the secret (once), follows the case, and tracks it with
the form; an officer of the agency it was routed to signs in, accepts, starts and resolves
it with a result photo, and signs out; the citizen (who attached a phone photo when filing and sees
its thumbnail) sees the result and the officer's photo beside theirs, rates it, appeals, and sees that the agency read
their contact details (never the officer's name); a browser without any
of the citizen's cookies sees only the public view, without the contact details; and the
statistics page counts the case.

Every page is checked against the page contract (element ids in Sources/Pages/Templates) and
the words of the page language (Sources/Pages/Strings/<language>.json), and a full-page
screenshot of each step is saved as `<width>-<language>-NN-<step>.png`.

Plain Python 3 and Selenium 4; no test runner. Exit status 0 when every check passed, 1 with
the failing step, the page address and a screenshot when one did not, 2 when the tools are
missing. `Tests/WebTests/BrowserFlowTests.swift` starts a live server and runs this script.

    python3 Tests/Browser/citizen_and_officer_flow.py --base-url http://localhost:8080 \\
        --officer-email officer@example.go.th --officer-password '...' --screenshots artifacts/browser
"""

import argparse
import json
import os
import re
import shutil
import sys
import time
import traceback
import uuid
from pathlib import Path

try:
    from selenium import webdriver
    from selenium.common.exceptions import NoAlertPresentException, TimeoutException, WebDriverException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import Select, WebDriverWait
except ImportError as error:  # pragma: no cover - depends on the machine
    print(f"MISSING: selenium for Python is not installed ({error}); pip install 'selenium>=4.20,<5'", file=sys.stderr)
    sys.exit(2)

ROOT = Path(__file__).resolve().parents[2]
PHOTOS = ROOT / "Tests" / "Photos"
BANG_RAK = "1004"  # Seeds/areas/districts.csv: 1004,10,บางรัก,Bang Rak
BANGKOK = "10"
INJECTION = '<script>alert(1)</script>'


class CheckFailed(Exception):
    """A check of the page contract did not hold."""


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


def catalogue(language):
    with open(ROOT / "Sources" / "Pages" / "Strings" / f"{language}.json", encoding="utf-8") as file:
        return json.load(file)


def category_name(code, language):
    with open(ROOT / "Seeds" / "categories.json", encoding="utf-8") as file:
        data = json.load(file)
    entries = data["categories"] if isinstance(data, dict) else data
    for entry in entries:
        if entry["code"] == code:
            return entry["name_th" if language == "th" else "name_en"]
    raise CheckFailed(f"no category {code!r} in Seeds/categories.json")


THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def whole_number(text):
    """The integer a figure shows ("1,234", "๑๒"), or None."""
    digits = re.sub(r"[^0-9]", "", text.translate(THAI_DIGITS))
    return int(digits) if digits else None


class Browser:
    """One headless Chromium session (its own profile, so its own cookies)."""

    def __init__(self, flow, label):
        self.flow = flow
        self.label = label
        args = flow.args
        options = webdriver.ChromeOptions()
        options.binary_location = args.chromium
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                         "--lang=th-TH", f"--window-size={args.width},900", "--no-first-run"):
            options.add_argument(argument)
        # The site picks its language from Accept-Language until the switch sets a cookie: start in Thai.
        options.add_experimental_option("prefs", {"intl.accept_languages": "th-TH,th"})
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(options=options, service=Service(args.chromedriver))
        self.driver.set_page_load_timeout(args.timeout * 2)
        # Any alert() a page runs is recorded instead of shown, so an injected script cannot hide.
        self.driver.execute_cdp_cmd(
            "Page.addScriptToEvaluateOnNewDocument",
            {"source": "window.__siangAlerts = []; window.alert = function (m) { window.__siangAlerts.push(String(m)); };"})
        self.wait = WebDriverWait(self.driver, args.timeout)
        self.resize(900)

    def resize(self, height):
        """Makes the viewport exactly `width` × `height` CSS pixels.

        Through DevTools rather than the window size: Chromium keeps windows at least 500 pixels
        wide even headless. Narrow viewports are emulated as a phone (the page's viewport meta
        applies and scrollbars overlay the page), wide ones as a desktop."""
        width = self.flow.args.width
        self.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": int(height), "deviceScaleFactor": 1, "mobile": width < 600})

    def quit(self):
        try:
            self.driver.quit()
        except Exception:  # noqa: BLE001 - best effort at the end
            pass

    # -- navigation ---------------------------------------------------------------------------

    def url(self, path):
        return self.flow.args.base_url.rstrip("/") + path

    def loaded(self):
        self.wait.until(lambda d: d.execute_script("return document.readyState") == "complete")

    def open(self, path):
        self.driver.get(self.url(path))
        self.loaded()

    def click(self, element):
        """Clicks `element` after scrolling it to the middle (nothing sticky then covers it)."""
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center', inline: 'nearest'});", element)
        element.click()

    def click_to_next_page(self, element):
        """Clicks a link or submit button and waits until the next page has loaded."""
        self.to_next_page(lambda: self.click(element))

    def to_next_page(self, action):
        """Runs `action` and waits until another document has replaced this one and loaded.

        The old document is marked and the new one recognised by lacking the mark: waiting for the
        old <html> element to go stale races with chromedriver mid-navigation ("Node with given id
        does not belong to the document"), so errors while the page changes are waited out too."""
        marker = uuid.uuid4().hex
        self.driver.execute_script("window.__siangMarker = arguments[0];", marker)
        action()
        WebDriverWait(self.driver, self.flow.args.timeout, ignored_exceptions=(WebDriverException,)).until(
            lambda d: d.execute_script(
                "return window.__siangMarker !== arguments[0] && document.readyState === 'complete';", marker))

    def find(self, selector):
        return self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, selector)))

    def present(self, selector):
        return len(self.driver.find_elements(By.CSS_SELECTOR, selector)) > 0

    def type(self, selector, text):
        field = self.find(selector)
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", field)
        field.clear()
        field.send_keys(text)
        value = field.get_attribute("value")
        check(value == text, f"{selector} holds {value!r} after typing {text!r}")

    def text(self, selector):
        return self.find(selector).get_attribute("textContent").strip()

    def path(self):
        return re.sub(r"^https?://[^/]+", "", self.driver.current_url)

    def at_path(self, pattern):
        """Checks the address of the page loaded now (navigation has finished: see `to_next_page`)."""
        match = re.search(pattern, self.path())
        check(match, f"expected to arrive at {pattern!r}, but the browser is at {self.path()}")
        return match

    # -- page checks --------------------------------------------------------------------------

    def page_checks(self):
        """What holds on every page: the language, no error summary, no alert, no JS or CSP errors,
        nothing wider than the screen."""
        flow = self.flow
        driver = self.driver
        lang = driver.find_element(By.TAG_NAME, "html").get_attribute("lang")
        check(lang == flow.language, f"html[lang] is {lang!r}, not {flow.language!r}")
        if self.present("#errors"):
            raise CheckFailed("the page shows an error summary: " + self.text("#errors"))
        try:
            alert = driver.switch_to.alert
            raise CheckFailed(f"an alert is open: {alert.text!r}")
        except NoAlertPresentException:
            pass
        alerts = driver.execute_script("return window.__siangAlerts || []")
        check(not alerts, f"the page called alert(): {alerts}")
        for entry in driver.get_log("browser"):
            message = entry.get("message", "")
            if "favicon.ico" in message:
                continue
            if entry.get("level") == "SEVERE" or "Content Security Policy" in message:
                raise CheckFailed(f"browser console: {entry.get('level')} {message}")
        inner, scroll, client = driver.execute_script(
            "var e = document.documentElement; return [window.innerWidth, e.scrollWidth, e.clientWidth];")
        check(inner == flow.args.width, f"the viewport is {inner}px wide, not {flow.args.width}px")
        check(scroll <= client, f"the page is wider than the screen: {scroll}px of content in a {client}px viewport")
        # A table may scroll inside its box, but the wide ones (inbox, agencies) must not need to.
        wide = driver.execute_script(
            "return [...document.querySelectorAll('#inbox, #table-agencies')].filter(t => t.parentElement.scrollWidth >"
            " t.parentElement.clientWidth).map(t => t.id);")
        check(not wide, f"these tables scroll sideways at {flow.args.width}px: {wide}")

    def heading(self, key):
        expected = self.flow.t[key]
        actual = self.text("h1")
        check(actual == expected, f"h1 is {actual!r}, expected {expected!r} ({key})")

    def screenshot(self, step):
        """A full-page PNG: the viewport is made as tall as the document, shot, and put back."""
        flow = self.flow
        flow.number += 1
        name = f"{flow.args.width}-{flow.language}-{flow.number:02d}-{step}.png"
        driver = self.driver
        height = driver.execute_script(
            "return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
        self.resize(min(max(int(height), 900), 20000))
        driver.save_screenshot(str(flow.screenshots / name))
        self.resize(900)
        flow.saved.append(name)
        return name


class Flow:
    """The whole story, step by step; `step` names the current one for the failure message."""

    def __init__(self, args):
        self.args = args
        self.language = args.language
        self.t = catalogue(args.language)
        self.screenshots = Path(args.screenshots)
        self.screenshots.mkdir(parents=True, exist_ok=True)
        for old in self.screenshots.glob(f"{args.width}-{args.language}-*.png"):
            old.unlink()
        self.number = 0
        self.saved = []
        self.step = "start"
        self.browsers = []
        run = uuid.uuid4().hex[:6]
        self.title = f"หลุมใหญ่บนถนนสีลม เขตบางรัก ({run})"
        self.text = (
            "ถนนสีลมช่วงหน้าซอยสีลม 5 เขตบางรัก มีหลุมขนาดใหญ่กลางช่องจราจรซ้าย ลึกประมาณ 30 เซนติเมตร "
            "กว้างเกือบหนึ่งเมตร ฝนตกแล้วน้ำขังมองไม่เห็นหลุม รถจักรยานยนต์ตกหลุมล้มไปแล้วสองคันเมื่อคืนนี้ "
            f"ขอให้เขตช่วยซ่อมโดยด่วน {INJECTION} ป้ายชั่วคราวเขียนไว้ว่า \"quote ระวังหลุม\" แต่ล้มไปแล้ว ({run})"
        )
        self.contact_name = f"สมศรี ทดสอบระบบ{run}"
        self.contact_phone = "081-234-5678"
        self.contact_email = f"somsri.{run}@example.com"
        self.result = f"สำนักงานเขตบางรักซ่อมผิวถนนสีลมช่วงหน้าซอย 5 เรียบร้อยแล้ว และติดตั้งป้ายเตือนระหว่างรอยางแห้ง ({run})"
        self.comment = "ซ่อมเร็วดีค่ะ แต่ผิวถนนยังไม่เรียบเท่าไร"
        self.reason = "ฝนตกเมื่อวานหลุมกลับมาอีกแล้ว ยางที่ปะหลุดออกหมด"
        self.code = None
        self.secret = None
        self.agency_name = None

    def log(self, message):
        print(f"  ok  {self.step}: {message}", flush=True)

    def begin(self, step):
        self.step = step

    def browser(self, label):
        browser = Browser(self, label)
        self.browsers.append(browser)
        return browser

    # -- the story ----------------------------------------------------------------------------

    def run(self):
        citizen = self.browser("citizen")
        self.home(citizen)
        self.file(citizen)
        self.filed(citizen)
        self.track_form(citizen)
        self.officer(citizen)
        self.citizen_again(citizen)
        public = self.browser("public")
        self.public_view(public)
        self.statistics(public)

    def home(self, b):
        self.begin("home")
        b.open("/")
        if self.language == "en":
            self.begin("language switch")
            # Starts in Thai (the browser asks for Thai); the switch link changes it.
            lang = b.driver.find_element(By.TAG_NAME, "html").get_attribute("lang")
            check(lang == "th", f"the first page is in {lang!r}, expected Thai before switching")
            switch = b.find("#lang-switch")
            check(switch.get_attribute("hreflang") == "en", "the language switch does not lead to English")
            b.click_to_next_page(switch)
            b.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "html[lang=en]")))
            self.log("switched to English with #lang-switch")
            self.begin("home")
        b.page_checks()
        b.heading("home_heading")
        check(b.text("#lang-switch") == self.t["other_language"], "the language switch names the other language wrongly")
        b.screenshot("home")
        self.log("home page in the right language")

    def file(self, b):
        self.begin("file form")
        b.click_to_next_page(b.find("#start-filing"))
        b.at_path(r"^/file$")
        b.page_checks()
        b.heading("file_heading")
        b.click(b.find("#kind-complaint"))
        check(b.find("#kind-complaint").is_selected(), "#kind-complaint is not selected")
        b.type("#title", self.title)
        b.type("#text", self.text)
        Select(b.find("#province")).select_by_value(BANGKOK)
        # The district list shows only the chosen province's districts (siang.js enables them).
        b.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, f"#district option[value='{BANG_RAK}']").is_enabled())
        Select(b.find("#district")).select_by_value(BANG_RAK)
        # The category last: the page may suggest one from the text, but never over the citizen's choice.
        Select(b.find("#category")).select_by_value("road")
        b.type("#contact_name", self.contact_name)
        b.type("#contact_phone", self.contact_phone)
        b.type("#contact_email", self.contact_email)
        for box in ("#notify_email", "#consent", "#anonymous"):
            element = b.find(box)
            if not element.is_selected():
                b.click(element)
            check(element.is_selected(), f"{box} is not ticked")
        check(Select(b.find("#category")).first_selected_option.get_attribute("value") == "road", "category is not road")
        check(Select(b.find("#district")).first_selected_option.get_attribute("value") == BANG_RAK, "district changed")
        # A phone photo with GPS and a camera serial in its EXIF, as a phone's camera would attach it.
        check(b.find("#photos").get_attribute("accept") == "image/*", "#photos does not ask for images")
        b.find("#photos").send_keys(str(PHOTOS / "gps_serial.jpg"))
        b.screenshot("file-form")
        self.log("form filled (complaint, road, Bangkok / Bang Rak, contact, e-mail news, consent, anonymous)")

        self.begin("submit filing")
        b.click_to_next_page(b.find("#submit-case"))
        match = b.at_path(r"^/cases/([^/?]+)/filed$")
        self.url_code = match.group(1)

    def filed(self, b):
        self.begin("filed page")
        b.page_checks()
        b.heading("filed_heading")
        self.code = b.text("#tracking-code")
        self.secret = b.text("#tracking-secret")
        check(self.code, "#tracking-code is empty")
        check(self.secret, "#tracking-secret is empty")
        check(self.code == self.url_code, f"#tracking-code {self.code} differs from the address's {self.url_code}")
        check(self.secret not in b.driver.current_url, "the secret is in the address")
        b.screenshot("filed")
        self.log(f"code {self.code}, secret shown ({len(self.secret)} characters)")
        # The photo carried its GPS position and the form gave none: offered, with a link to the map.
        check(b.present("#photo-location"), "the photo's position is not offered on the filed page")
        check(b.present("#use-photo-location"), "no button to use the photo's position")

        self.begin("filed page reloaded")
        b.to_next_page(b.driver.refresh)
        b.page_checks()
        check(not b.present("#tracking-secret"), "#tracking-secret is shown again after a reload")
        check(self.secret not in b.driver.page_source, "the secret is still in the page after a reload")
        check(b.text("#tracking-code") == self.code, "the code changed after a reload")
        check(self.t["filed_secret_gone"] in b.driver.page_source, "the page does not say the secret was shown once")
        b.screenshot("filed-reloaded")
        self.log("the secret is shown only once")

        self.begin("case page from the filed page")
        b.click_to_next_page(b.find("#track-link"))
        b.at_path(rf"^/cases/{re.escape(self.code)}$")
        b.page_checks()
        self.citizen_view(b)
        status = b.find("#case-status").get_attribute("data-status")
        check(status == "assigned", f"a road case in Bang Rak should be assigned to an agency; it is {status!r}")
        self.agency_name = b.text("#case-agency")
        self.photos_shown(b, "#photos-before", f"/cases/{self.code}/photos/")
        b.screenshot("case-citizen")
        self.log(f"citizen view (cookie from filing), status {status}, agency {self.agency_name}, the photo's thumbnail")

        self.begin("the photo's position accepted as the case's location")
        b.open(f"/cases/{self.code}/filed")
        b.page_checks()
        b.click_to_next_page(b.find("#use-photo-location"))
        b.at_path(rf"^/cases/{re.escape(self.code)}\?done=located$")
        b.page_checks()
        check(self.t["flash_located"] in b.driver.page_source, "the page does not say the location was saved")
        b.open(f"/cases/{self.code}/filed")
        check(not b.present("#photo-location"), "the position is still offered once the case has a location")
        b.open(f"/cases/{self.code}")
        self.log("the citizen accepted the photo's position; it is offered no more")

    def photos_shown(self, b, group, path, count=1):
        """`count` thumbnails under `group`, loaded (a broken image has no natural width), served from
        under `path`, no wider than the screen."""
        images = b.driver.find_elements(By.CSS_SELECTOR, f"{group} img")
        check(len(images) == count, f"{group} shows {len(images)} photo(s), expected {count}")
        for src in [image.get_attribute("src") for image in images]:
            check(path in src, f"{group} photo is served from {src!r}, expected under {path!r}")
            image = self.shown_image(b, group, src)
            if not self.image_loaded(b, image):
                # What the browser's own request got, then a fresh one: a photo the server cannot serve
                # fails here; one that came now (the first request lost to a busy machine) is reloaded
                # once, as a person would, and the reload is reported in the flow's output.
                first = b.driver.execute_script(
                    "const e = performance.getEntriesByName(arguments[0]); return e.length ? e[0].responseStatus : null;", src)
                again = self.fetched_status(b, src)
                check(again.startswith("200 image/"),
                      f"{group} photo {src} did not load (the page's request: {first}; fetched again: {again})")
                self.log(f"RELOADED: {group} photo {src} did not load (the page's request: {first}; fetched again: {again})")
                b.to_next_page(b.driver.refresh)
                image = self.shown_image(b, group, src)
                check(self.image_loaded(b, image), f"{group} photo {src} did not load after a reload")
            width = b.driver.execute_script("return arguments[0].getBoundingClientRect().width", image)
            check(0 < width <= self.args.width, f"{group} thumbnail is {width}px wide at {self.args.width}px")

    def shown_image(self, b, group, src):
        """The image of `group` served from `src`, scrolled into view: thumbnails load lazily, and on a
        phone's screen one below the fold loads once scrolled to, as a person would."""
        image = next((i for i in b.driver.find_elements(By.CSS_SELECTOR, f"{group} img") if i.get_attribute("src") == src), None)
        check(image is not None, f"{group} no longer shows the photo {src}")
        b.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", image)
        return image

    def image_loaded(self, b, image):
        """Whether `image` finished loading as a picture (a broken image is complete with no natural
        width), waiting up to the timeout for it to finish either way."""
        try:
            b.wait.until(lambda d: d.execute_script("return arguments[0].complete", image))
        except TimeoutException:
            return False
        return b.driver.execute_script("return arguments[0].naturalWidth > 0", image)

    def fetched_status(self, b, src):
        """The HTTP status and type a fresh request for `src` from the page gets (with its cookies), or
        what went wrong."""
        try:
            return b.driver.execute_async_script(
                "const done = arguments[arguments.length - 1];"
                "fetch(arguments[0], {credentials: 'same-origin', cache: 'no-store'})"
                ".then(r => done(r.status + ' ' + (r.headers.get('content-type') || '')), e => done(String(e)));", src)
        except TimeoutException:
            return "no answer"

    def citizen_view(self, b):
        """The page is the citizen's own view: the full text, escaped, and no public notice."""
        check(self.t["case_public_notice"] not in b.driver.page_source, "the citizen gets the public notice")
        self.escaped_text(b)

    def escaped_text(self, b):
        text = b.find("#case-text").get_attribute("textContent")
        check(text == self.text, f"#case-text is not the text as filed:\n  got      {text!r}\n  expected {self.text!r}")
        scripts = b.driver.execute_script("return document.querySelectorAll('#case-text script').length")
        check(scripts == 0, f"#case-text contains {scripts} script element(s): the text was not escaped")
        html = b.find("#case-text").get_attribute("innerHTML")
        check("&lt;script&gt;" in html, "the <script> in the text is not shown as text")

    def track_form(self, b):
        self.begin("track form")
        b.open("/track")
        b.page_checks()
        b.heading("track_heading")
        b.type("#code", self.code)
        b.type("#secret", self.secret)
        b.screenshot("track-form")
        self.log("code and secret typed")

        self.begin("tracked case")
        b.click_to_next_page(b.find("#track-submit"))
        b.at_path(rf"^/cases/{re.escape(self.code)}$")
        b.page_checks()
        self.citizen_view(b)
        check(self.secret not in b.driver.current_url, "the secret is in the address")
        b.screenshot("case-tracked")
        self.log("the case with its text shown literally (the <script> as text, no alert)")

    def officer(self, b):
        args = self.args
        self.begin("officer sign-in")
        b.open("/agency/sign-in")
        b.page_checks()
        b.heading("sign_in_heading")
        b.type("#email", args.officer_email)
        b.type("#password", args.officer_password)
        b.screenshot("sign-in")
        b.click_to_next_page(b.find("#sign-in-submit"))
        b.at_path(r"^/agency/?$")
        self.log("signed in")

        self.begin("inbox")
        b.page_checks()
        b.find("#inbox")
        links = [a for a in b.driver.find_elements(By.CSS_SELECTOR, "#inbox a.case-link") if a.text.strip() == self.code]
        check(links, f"the inbox has no link to {self.code}")
        b.screenshot("inbox")
        self.log(f"the inbox lists {self.code}")

        self.begin("officer's case page")
        b.click_to_next_page(links[0])
        b.at_path(rf"^/agency/cases/{re.escape(self.code)}$")
        b.page_checks()
        contact = b.text("#case-contact")
        check(self.contact_phone in contact, f"#case-contact does not show the phone: {contact!r}")
        check(self.contact_name in contact, f"#case-contact does not show the name: {contact!r}")
        self.escaped_text(b)
        check(b.find("#case-status").get_attribute("data-status") == "assigned", "the case is not assigned")
        # The citizen asked for e-mail news: the filing's message is listed (waiting: no mail server here).
        notifications = b.text("#notifications")
        check(notifications.count("\n") >= 1 and ("อีเมล" in notifications or "E-mail" in notifications),
              f"#notifications does not list the e-mail: {notifications!r}")
        b.screenshot("agency-case")
        self.log("the contact is shown to the officer; the text is escaped here too")

        self.begin("accept")
        check(b.present("form#action-accept"), "there is no accept form")
        b.click_to_next_page(b.find("#action-accept #submit-accept"))
        self.after_action(b, "accept", "accepted")

        if b.present("#submit-start"):
            self.begin("start")
            b.click_to_next_page(b.find("#submit-start"))
            self.after_action(b, "start", "in_progress")

        self.begin("resolve")
        b.type("#resolve-note", self.result)
        b.find("#resolve-photos").send_keys(str(PHOTOS / "alpha.png"))
        b.click_to_next_page(b.find("#submit-resolve"))
        self.after_action(b, "resolve", "resolved")
        check(b.text("#case-result") == self.result, "the officer's page does not show the result")
        self.photos_shown(b, "#photos-before", f"/agency/cases/{self.code}/photos/")
        self.photos_shown(b, "#photos-after", f"/agency/cases/{self.code}/photos/")
        self.log("the result photo is attached beside the citizen's")

        self.begin("sign out")
        b.open("/agency")
        b.page_checks()
        b.click_to_next_page(b.find("#sign-out"))
        b.at_path(r"^/agency/sign-in\?out=1$")
        b.page_checks()
        check(b.text("#flash") == self.t["flash_signed_out"], "no signed-out message")
        b.screenshot("signed-out")
        b.open("/agency")
        b.at_path(r"^/agency/sign-in$")
        self.log("signed out; the inbox asks to sign in again")

    def after_action(self, b, action, status):
        b.at_path(rf"^/agency/cases/{re.escape(self.code)}\?done={action}$")
        b.page_checks()
        check(b.text("#flash") == self.t["flash_action_done"], f"no confirmation after {action}")
        actual = b.find("#case-status").get_attribute("data-status")
        check(actual == status, f"after {action} the status is {actual!r}, expected {status!r}")
        b.screenshot(f"agency-{action}")
        self.log(f"status now {status}")

    def citizen_again(self, b):
        self.begin("citizen sees the result")
        b.open(f"/cases/{self.code}")
        b.page_checks()
        self.citizen_view(b)
        check(b.find("#case-status").get_attribute("data-status") == "resolved", "the citizen does not see it resolved")
        check(b.text("#case-result") == self.result, f"#case-result is {b.text('#case-result')!r}")
        self.photos_shown(b, "#photos-before", f"/cases/{self.code}/photos/")
        self.photos_shown(b, "#photos-after", f"/cases/{self.code}/photos/")
        b.screenshot("case-resolved")
        self.log("the result is shown, the officer's photo beside the citizen's")

        self.begin("rate")
        b.click(b.find("#stars-4"))
        check(b.find("#stars-4").is_selected(), "#stars-4 is not selected")
        b.type("#comment", self.comment)
        b.click_to_next_page(b.find("#feedback-submit"))
        b.at_path(rf"^/cases/{re.escape(self.code)}\?done=rated$")
        b.page_checks()
        check(b.text("#flash") == self.t["flash_rated"], f"#flash is {b.text('#flash')!r}")
        rating = self.t["stars_value"].replace("{stars}", "4")
        check(b.text("#case-rating") == rating, f"#case-rating is {b.text('#case-rating')!r}, expected {rating!r}")
        check(not b.present("#feedback-form"), "the rating form is still offered after rating")
        b.screenshot("rated")
        self.log("rated 4 stars with a comment")

        self.begin("appeal")
        b.type("#reason", self.reason)
        b.click_to_next_page(b.find("#reopen-submit"))
        b.at_path(rf"^/cases/{re.escape(self.code)}\?done=reopened$")
        b.page_checks()
        check(b.text("#flash") == self.t["flash_reopened"], f"#flash is {b.text('#flash')!r}")
        status = b.find("#case-status").get_attribute("data-status")
        # Lifecycle: an appeal puts a resolved case back in progress with the same agency.
        check(status == "in_progress", f"after the appeal the status is {status!r}, expected 'in_progress'")
        check(self.reason in b.text("#timeline"), "the appeal's reason is not in the timeline")
        b.screenshot("reopened")
        self.log("appealed: the case is in progress again")

        self.begin("who used the contact details")
        # The officer's case page logged each reading of the contact with the agency (issue 11.12).
        check(b.text("#privacy-heading") == self.t["privacy_heading"], "the contact-use section has the wrong heading")
        readings = b.text("#data-access")
        check(self.agency_name in readings, f"#data-access does not name the agency {self.agency_name!r}: {readings!r}")
        check(self.args.officer_email not in b.driver.page_source, "the citizen's page shows the officer's account")
        check(b.present("#erase-later") and not b.present("#erase-form"), "erasure is offered before the case is finished")
        b.screenshot("data-access")
        self.log("the agency's readings are listed; erasure waits until the case is finished")

    def public_view(self, b):
        self.begin("public view")
        b.open(f"/cases/{self.code}")
        if self.language == "en":
            b.click_to_next_page(b.find("#lang-switch"))
            b.at_path(rf"^/cases/{re.escape(self.code)}$")
        b.page_checks()
        source = b.driver.page_source
        check(self.t["case_public_notice"] in source, "the public notice is missing: this is not the public view")
        check(not b.present("#feedback-form") and not b.present("#reopen-form"), "the public view offers citizen forms")
        check(not b.present("#privacy"), "the public view shows who read the citizen's contact details")
        digits = re.sub(r"\D", "", self.contact_phone)
        for label, secret in (("contact name", self.contact_name), ("phone", self.contact_phone), ("phone digits", digits),
                              ("e-mail", self.contact_email), ("tracking secret", self.secret)):
            check(secret not in source, f"the public view contains the {label} {secret!r}")
        scripts = b.driver.execute_script("return document.querySelectorAll('#case-text script').length")
        check(scripts == 0, "the public text contains a script element")
        check(b.find("#case-status").get_attribute("data-status") == "in_progress", "the public status differs")
        self.photos_shown(b, "#photos-before", "/photos/")
        self.photos_shown(b, "#photos-after", "/photos/")
        check(f"/cases/{self.code}/photos/" not in source, "the public view links photos through the citizen's path")
        b.screenshot("case-public")
        self.log("a browser without the secret sees the public view, without contact details")

    def statistics(self, b):
        self.begin("statistics")
        b.open("/stats")
        b.page_checks()
        b.heading("stats_heading")
        filed = whole_number(b.text("#figure-filed"))
        check(filed is not None and filed >= 1, f"#figure-filed is {b.text('#figure-filed')!r}")
        b.find("#table-category")
        b.find("#table-agencies")
        road = category_name("road", self.language)
        check(road in b.driver.page_source, f"the page does not name the category {road!r}")
        categories = b.text("#table-category")
        check(road in categories, f"#table-category has no row for {road!r}")
        agencies = b.text("#table-agencies")
        check(self.agency_name in agencies, f"#table-agencies has no row for {self.agency_name!r}")
        self.check_charts(b)
        b.screenshot("stats")
        self.log(f"{filed} case(s) filed; {road!r} and {self.agency_name!r} are in the tables")

    def check_charts(self, b):
        """Every bar of every chart is drawn inside its chart, and every chart text is at least 11 px."""
        charts = b.driver.execute_script("""
            return Array.from(document.querySelectorAll('figure.chart svg')).map(svg => {
                const box = svg.getBoundingClientRect();
                // The drawing's real scale: a box squeezed in one direction shrinks the whole drawing.
                const scale = svg.getScreenCTM().a;
                const figure = svg.parentElement.getBoundingClientRect();
                return {
                    heading: svg.querySelector('title').textContent,
                    inside: box.bottom <= figure.bottom + 1 && box.right <= figure.right + 1,
                    bars: Array.from(svg.querySelectorAll('rect.bar')).map(bar => {
                        const r = bar.getBoundingClientRect();
                        return {top: r.top - box.top, bottom: r.bottom - box.top, height: box.height};
                    }),
                    rows: svg.querySelectorAll('rect.bar').length,
                    smallest: Math.min(...Array.from(svg.querySelectorAll('text')).map(
                        t => parseFloat(getComputedStyle(t).fontSize) * scale)),
                };
            });""")
        check(charts, "the statistics page shows no chart")
        for chart in charts:
            name = chart["heading"]
            check(chart["inside"], f"the chart {name!r} overflows its figure")
            check(chart["smallest"] >= 11, f"the chart {name!r} has text {chart['smallest']:.1f} px high (under 11)")
            for bar in chart["bars"]:
                check(0 <= bar["top"] and bar["bottom"] <= bar["height"] + 0.5,
                      f"a bar of {name!r} lies outside its chart ({bar})")
        rows = b.driver.execute_script("return document.querySelectorAll('#table-category tbody tr').length")
        bars = next((c["rows"] for c in charts if c["bars"] and c["rows"] == rows), None)
        check(bars == rows, f"the category chart does not draw one bar per table row ({rows} rows)")
        self.log(f"{len(charts)} charts; the category chart draws all {rows} bars with text of at least 11 px")

    # -- failure ------------------------------------------------------------------------------

    def report_failure(self, error):
        print(f"FAIL at step '{self.step}' ({self.args.width}px, {self.language}): {error}", flush=True)
        for browser in self.browsers:
            try:
                driver = browser.driver
                print(f"  [{browser.label}] at {driver.current_url}")
                body = driver.execute_script("return document.body ? document.body.innerText : ''") or ""
                print("  page text: " + re.sub(r"\s+", " ", body)[:1500])
                name = f"{self.args.width}-{self.language}-{self.number + 1:02d}-FAILED-{browser.label}.png"
                driver.save_screenshot(str(self.screenshots / name))
                print(f"  screenshot: {self.screenshots / name}")
            except Exception as inner:  # noqa: BLE001 - the report must not hide the failure
                print(f"  [{browser.label}] could not describe the page: {inner}")

    def close(self):
        for browser in self.browsers:
            browser.quit()


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True, help="e.g. http://localhost:8080")
    parser.add_argument("--officer-email", required=True, help="an officer of the agency road cases in Bang Rak go to")
    parser.add_argument("--officer-password", required=True)
    parser.add_argument("--screenshots", required=True, metavar="DIR", help="where the PNGs go (created)")
    parser.add_argument("--width", type=int, default=1280, help="viewport width in CSS pixels (default 1280)")
    parser.add_argument("--language", choices=("th", "en"), default="th",
                        help="en: switch with #lang-switch on the home page first")
    add_browser_arguments(parser)
    return parser.parse_args()


def add_browser_arguments(parser):
    """The options every browser flow takes: the waits and where Chromium and its driver are."""
    parser.add_argument("--timeout", type=float, default=20, help="seconds to wait for a page or an element")
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--chromedriver",
                        default=os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver") or "/usr/bin/chromedriver")


def tools_missing(args):
    """Says which of Chromium and its driver is missing (True), or nothing (False)."""
    for tool in (args.chromium, args.chromedriver):
        if not os.access(tool, os.X_OK):
            print(f"MISSING: {tool} is not an executable (apt-get install chromium chromium-driver)", file=sys.stderr)
            return True
    return False


def run_flow(flow, summary):
    """Runs `flow`, reports a failure the one way every flow does, or prints PASS with `summary(flow)`;
    returns the exit status."""
    started = time.monotonic()
    try:
        flow.run()
    except Exception as error:  # noqa: BLE001 - every failure is reported the same way
        flow.report_failure(error if isinstance(error, CheckFailed) else f"{type(error).__name__}: {error}")
        if not isinstance(error, CheckFailed):
            traceback.print_exc(file=sys.stdout)
        return 1
    finally:
        flow.close()
    print(f"PASS: {summary(flow)}, {len(flow.saved)} screenshots in {flow.screenshots} "
          f"({time.monotonic() - started:.1f} s)", flush=True)
    return 0


def main():
    args = arguments()
    if tools_missing(args):
        return 2
    print(f"browser flow: {args.base_url}, {args.width}px, {args.language}", flush=True)
    return run_flow(Flow(args), lambda flow: f"{args.width}px {args.language}, case {flow.code}")


if __name__ == "__main__":
    sys.exit(main())
