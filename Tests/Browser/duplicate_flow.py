#!/usr/bin/env python3
"""Drives headless Chromium through "already reported?" and "me too", end to end.

A first citizen files a complaint about a blocked drain in Bang Rak. A second citizen starts to file
the same problem in other words, presses "check whether it is already reported", sees the first case
in the list, and follows it ("me too") instead of filing: they get their own code and secret, and see
the case with them. An officer of the district office accepts and resolves the first case; the second
citizen, back with their own code, sees the result.

Uses the `Browser` of citizen_and_officer_flow.py (page checks, screenshots). Exit status 0 when
every check passed, 1 on a failed check, 2 when the tools are missing.

    python3 Tests/Browser/duplicate_flow.py --base-url http://localhost:8080 \\
        --officer-email … --password '…' --screenshots artifacts/browser
"""

import argparse
import re
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from citizen_and_officer_flow import Flow as CitizenFlow  # noqa: E402
from citizen_and_officer_flow import add_browser_arguments, catalogue, check, run_flow, tools_missing  # noqa: E402

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

BANGKOK = "10"
BANG_RAK = "1004"


class Flow(CitizenFlow):
    """The duplicate's story; logging, browsers, failure reports and closing are the citizen flow's."""

    def __init__(self, args):  # noqa: D107 - the citizen flow's set-up is for its own story
        self.args = args
        self.language = "th"
        self.t = catalogue("th")
        self.screenshots = Path(args.screenshots)
        self.screenshots.mkdir(parents=True, exist_ok=True)
        for old in self.screenshots.glob(f"{args.width}-duplicate-*.png"):
            old.unlink()
        self.number = 0
        self.saved = []
        self.step = "start"
        self.browsers = []
        self.run_id = uuid.uuid4().hex[:6]
        self.code = None
        self.follow_code = None
        self.result = f"สำนักงานเขตบางรักลอกท่อระบายน้ำหน้าตลาดสีลมแล้ว ({self.run_id})"

    def shot(self, b, step):
        saved_language = self.language
        self.language = "duplicate"
        try:
            b.screenshot(step)
        finally:
            self.language = saved_language

    def fill_place(self, b):
        Select(b.find("#province")).select_by_value(BANGKOK)
        b.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, f"#district option[value='{BANG_RAK}']").is_enabled())
        Select(b.find("#district")).select_by_value(BANG_RAK)

    def run(self):
        self.first_filing(self.browser("first citizen"))
        second = self.browser("second citizen")
        self.me_too(second)
        self.resolve(self.browser("officer"))
        self.result_seen(second)

    def first_filing(self, b):
        self.begin("first filing")
        b.open("/file")
        b.page_checks()
        b.type("#text", "ท่อระบายน้ำหน้าตลาดสีลมอุดตัน ฝนตกทีไรน้ำท่วมขังทุกครั้ง ส่งกลิ่นเหม็นมาก")
        self.fill_place(b)
        Select(b.find("#category")).select_by_value("drainage")
        b.click_to_next_page(b.find("#submit-case"))
        match = b.at_path(r"^/cases/([^/?]+)/filed$")
        self.code = match.group(1)
        b.page_checks()
        self.shot(b, "first-filed")
        self.log(f"filed {self.code}")

    def me_too(self, b):
        self.begin("already reported?")
        b.open("/file")
        b.page_checks()
        b.type("#text", "หน้าตลาดสีลม น้ำท่วมขังไม่ระบายเลย ท่อระบายน้ำตันมีขยะอุดเต็ม")
        self.fill_place(b)
        b.click_to_next_page(b.find("#check-similar"))
        b.at_path(r"^/file$")
        b.page_checks()
        b.heading("file_heading")
        b.find("#similar")
        listed = [li.get_attribute("data-code") for li in b.driver.find_elements(By.CSS_SELECTOR, "#similar .similar-case")]
        check(self.code in listed, f"the similar cases {listed} do not include {self.code}")
        check("หน้าตลาดสีลม" in b.find("#text").get_attribute("value"), "the typed text was lost")
        self.shot(b, "similar")
        self.log(f"{self.code} is offered as already reported")

        self.begin("me too")
        item = b.find(f"#similar .similar-case[data-code='{self.code}']")
        b.click_to_next_page(item.find_element(By.CSS_SELECTOR, "button.me-too"))
        b.page_checks()
        b.heading("followed_heading")
        self.follow_code = b.text("#follow-code")
        check(re.match(r"^MT-\d{4}-[2-9A-Z]{6}$", self.follow_code), f"not a follow code: {self.follow_code!r}")
        check(len(b.text("#follow-secret")) == 24, "the secret is not shown")
        check(b.text("#followed-me-too") == "1", f"the me-too count is {b.text('#followed-me-too')!r}")
        self.shot(b, "followed")
        b.click_to_next_page(b.find("#follow-link"))
        b.at_path(rf"^/follows/{re.escape(self.follow_code)}$")
        b.page_checks()
        check(self.follow_code in b.text("#flash"), "the followed case does not say it is followed")
        check(b.text("#case-code") == self.code, "the follow shows another case")
        check(b.text("#case-me-too") == "1", "the case does not show its me-too count")
        self.log(f"following {self.code} with {self.follow_code}")

    def resolve(self, b):
        self.begin("officer resolves")
        b.open("/agency/sign-in")
        b.type("#email", self.args.officer_email)
        b.type("#password", self.args.password)
        b.click_to_next_page(b.find("#sign-in-submit"))
        b.at_path(r"^/agency/?$")
        b.open(f"/agency/cases/{self.code}")
        b.page_checks()
        b.click_to_next_page(b.find("#action-accept #submit-accept"))
        b.page_checks()
        if b.present("#submit-start"):
            b.click_to_next_page(b.find("#submit-start"))
            b.page_checks()
        b.type("#resolve-note", self.result)
        b.click_to_next_page(b.find("#submit-resolve"))
        b.page_checks()
        check(b.find("#case-status").get_attribute("data-status") == "resolved", "the case is not resolved")
        self.shot(b, "resolved")
        self.log("resolved")

    def result_seen(self, b):
        self.begin("the follower sees the result")
        b.open(f"/follows/{self.follow_code}")
        b.at_path(rf"^/follows/{re.escape(self.follow_code)}$")
        b.page_checks()
        check(b.find("#case-status").get_attribute("data-status") == "resolved", "the follower does not see it resolved")
        check(b.text("#case-result") == self.result, f"#case-result is {b.text('#case-result')!r}")
        self.shot(b, "follower-result")
        self.log("the follower sees the result with their own code")


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--officer-email", required=True, help="an officer of Bang Rak's district office")
    parser.add_argument("--password", required=True)
    parser.add_argument("--screenshots", required=True)
    parser.add_argument("--width", type=int, default=1280)
    add_browser_arguments(parser)
    return parser.parse_args()


def main():
    args = arguments()
    if tools_missing(args):
        return 2
    return run_flow(Flow(args), lambda flow: f"{args.width}px, case {flow.code} followed as {flow.follow_code}")


if __name__ == "__main__":
    sys.exit(main())
