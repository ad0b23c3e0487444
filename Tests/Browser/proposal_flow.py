#!/usr/bin/env python3
"""Drives headless Chromium through a proposal's life, end to end.

A citizen proposes (looking for similar proposals first) and sees the code and secret once; a
moderator (triage desk) publishes it; three people support it, each verifying an e-mail address
with a one-time code (read from the outbox, as nothing is delivered in tests); the third support
reaches the threshold (set to 3 by the test) and routes the proposal to the district office; an
officer of that office answers "adopted"; a fresh browser sees the answer on the public page.

Uses the `Browser` of citizen_and_officer_flow.py (page checks, screenshots). Exit status 0 when
every check passed, 1 on a failed check, 2 when the tools are missing.

    python3 Tests/Browser/proposal_flow.py --base-url http://localhost:8080 --psql 'host=… dbname=…' \\
        --moderator-email … --officer-email … --password '…' --screenshots artifacts/browser
"""

import argparse
import re
import subprocess
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from citizen_and_officer_flow import Flow as CitizenFlow  # noqa: E402
from citizen_and_officer_flow import CheckFailed, add_browser_arguments, catalogue, check, run_flow, tools_missing  # noqa: E402

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402


class Flow(CitizenFlow):
    """The proposal's story; logging, browsers, failure reports and closing are the citizen flow's."""

    def __init__(self, args):  # noqa: D107 - the citizen flow's set-up is for its own story
        self.args = args
        self.language = "th"
        self.t = catalogue("th")
        self.screenshots = Path(args.screenshots)
        self.screenshots.mkdir(parents=True, exist_ok=True)
        for old in self.screenshots.glob(f"{args.width}-proposal-*.png"):
            old.unlink()
        self.number = 0
        self.saved = []
        self.step = "start"
        self.browsers = []
        self.run_id = uuid.uuid4().hex[:6]
        self.code = None

    def shot(self, b, step):
        # Screenshots of this flow are named <width>-proposal-NN-<step>.png.
        saved_language = self.language
        self.language = "proposal"
        try:
            b.screenshot(step)
        finally:
            self.language = saved_language

    def sent_code(self, address):
        """The code in the latest outbox message to `address`, as the person would read it."""
        body = subprocess.run(
            ["psql", "-At", self.args.psql, "-c",
             f"SELECT body FROM outbox WHERE recipient = '{address}' ORDER BY id DESC LIMIT 1"],
            capture_output=True, text=True, check=True).stdout
        codes = [word for word in re.split(r"\D+", body) if len(word) == 6]
        check(codes, f"no six-digit code in the message to {address}: {body!r}")
        return codes[0]

    def sign_in(self, b, email):
        b.open("/agency/sign-in")
        b.type("#email", email)
        b.type("#password", self.args.password)
        b.click_to_next_page(b.find("#sign-in-submit"))
        b.at_path(r"^/agency/?$")

    def run(self):
        citizen = self.browser("citizen")
        self.propose(citizen)
        moderator = self.browser("moderator")
        self.publish(moderator)
        for index in range(3):
            self.support(self.browser(f"supporter {index + 1}"), index)
        officer = self.browser("officer")
        self.answer(officer)
        self.public(self.browser("public"))

    def propose(self, b):
        self.begin("propose form")
        b.open("/proposals")
        b.page_checks()
        b.heading("proposals_heading")
        b.click_to_next_page(b.find("#propose-link"))
        b.at_path(r"^/proposals/new$")
        b.heading("propose_heading")
        b.type("#title", f"ทางเท้าถนนสีลมให้กว้างขึ้นและมีหลังคา ({self.run_id})")
        b.type("#text", "ทางเท้าถนนสีลมแคบ คนเดินต้องลงไปเดินบนถนน เสนอให้ขยายทางเท้าและทำหลังคากันฝนตลอดแนว "
                        f"ติดต่อผู้เสนอ 081-234-5678 ({self.run_id})")
        b.click_to_next_page(b.find("#check-similar"))
        b.page_checks()
        b.find("#similar-proposals")
        Select(b.find("#category")).select_by_value("road")
        b.click(b.find("#scope-district"))
        Select(b.find("#province")).select_by_value("10")
        Select(b.find("#district")).select_by_value("1004")
        b.type("#cost", "2500000")
        self.shot(b, "propose")
        self.log("form filled, similar proposals looked for")

        self.begin("proposed")
        b.click_to_next_page(b.find("#submit-proposal"))
        b.page_checks()
        b.heading("proposed_heading")
        self.code = b.text("#proposal-code")
        check(re.match(r"^PR-\d{4}-[2-9A-Z]{6}$", self.code), f"not a proposal code: {self.code!r}")
        check(len(b.text("#proposal-secret")) == 24, "the secret is not shown")
        self.shot(b, "proposed")
        self.log(f"proposal {self.code}")

    def publish(self, b):
        self.begin("moderation")
        self.sign_in(b, self.args.moderator_email)
        b.open("/agency/proposals")
        b.page_checks()
        links = [a for a in b.driver.find_elements(By.CSS_SELECTOR, "#pending-proposals a") if a.text.strip() == self.code]
        check(links, f"the moderation queue has no {self.code}")
        self.shot(b, "moderation-queue")
        b.click_to_next_page(links[0])
        b.page_checks()
        b.click_to_next_page(b.find("#publish-submit"))
        b.page_checks()
        status = b.text("#proposal-status")
        check(status == self.t["proposal_event_published"] or "สนับสนุน" in status, f"not published: {status!r}")
        self.shot(b, "published")
        self.log("published")

    def support(self, b, index):
        self.begin(f"support {index + 1}")
        b.open(f"/proposals/{self.code}")
        b.page_checks()
        text = b.text("#proposal-text")
        check("081-234-5678" not in text, "the phone number is shown to the public")
        address = f"supporter{index}.{self.run_id}@example.com"
        b.type("#address", address)
        b.click_to_next_page(b.find("#support-send-code"))
        b.page_checks()
        b.find("#support-code-form")
        b.type("#code", self.sent_code(address))
        if index == 0:
            b.click(b.find("#notify"))
        self.shot(b, f"support-{index + 1}-code")
        b.click_to_next_page(b.find("#support-submit"))
        b.at_path(rf"^/proposals/{re.escape(self.code)}\?support=supported$")
        b.page_checks()
        check(self.t["flash_supported"] in b.text("#flash"), "no thanks after supporting")
        supports = b.text("#proposal-supports")
        check(supports.startswith(str(index + 1)), f"#proposal-supports shows {supports!r} after {index + 1} supports")
        # Verified once, the same browser is offered one-click support from now on.
        b.open(f"/proposals/{self.code}")
        if b.present("#support"):
            check(b.present("#support-form"), "a verified supporter is asked to verify again")
        self.shot(b, f"support-{index + 1}-done")
        self.log(f"{index + 1} supports")

    def answer(self, b):
        self.begin("answer")
        self.sign_in(b, self.args.officer_email)
        b.open("/agency/proposals")
        b.page_checks()
        links = [a for a in b.driver.find_elements(By.CSS_SELECTOR, "#proposals-to-answer a") if a.text.strip() == self.code]
        check(links, f"the district office has no {self.code} to answer: the threshold did not route it")
        b.click_to_next_page(links[0])
        b.page_checks()
        Select(b.find("#answer")).select_by_value("adopted")
        b.type("#answer-text", f"สำนักงานเขตบางรักจะขยายทางเท้าและทำหลังคาในปีงบประมาณหน้า ({self.run_id})")
        self.shot(b, "answer-form")
        b.click_to_next_page(b.find("#answer-submit"))
        b.page_checks()
        self.shot(b, "answered")
        self.log("answered: adopted")

    def public(self, b):
        self.begin("public page")
        b.open(f"/proposals/{self.code}")
        b.page_checks()
        check(b.find("#proposal-status").get_attribute("data-status") == "answered", "the proposal is not answered")
        kind = b.text("#proposal-answer-kind")
        check(kind == "รับไปดำเนินการ", f"the answer shows {kind!r}")
        check(self.run_id in b.text("#proposal-answer-text"), "the answer's text is missing")
        check(b.present(".chart svg"), "no supports chart")
        self.shot(b, "public-answer")
        self.log("the public sees the answer")

def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--psql", required=True, help="a libpq connection string of the server's database")
    parser.add_argument("--moderator-email", required=True)
    parser.add_argument("--officer-email", required=True, help="an officer of Bang Rak's district office")
    parser.add_argument("--password", required=True, help="both accounts' password")
    parser.add_argument("--screenshots", required=True)
    parser.add_argument("--width", type=int, default=1280)
    add_browser_arguments(parser)
    return parser.parse_args()


def main():
    args = arguments()
    if tools_missing(args):
        return 2
    return run_flow(Flow(args), lambda flow: f"{args.width}px, proposal {flow.code}")


if __name__ == "__main__":
    sys.exit(main())
