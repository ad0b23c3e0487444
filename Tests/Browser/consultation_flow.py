#!/usr/bin/env python3
"""Drives a real headless Chromium through a consultation, from opening it to the published responses.

An officer of Bang Rak's district office signs in and opens a consultation on a footpath plan (a
draft in three sections, verified participants only); a resident finds it, verifies an e-mail address
with a one-time code (read from the outbox, the message the person would receive) and gives six
opinions on two subjects, one of them about a section; then the consultation closes (its dates are
moved into the past in the database: the time a real consultation runs); the officer sees the
opinions grouped into themes, renames one, responds to it and publishes; the resident comes back and
sees the themes with their counts and the agency's response.

Every page goes through the shared checks (language, no error summary unless expected, no alert, no
console or CSP errors, nothing wider than the screen) and a screenshot of each step is saved as
`<width>-<language>-NN-<step>.png` under --screenshots.

    python3 Tests/Browser/consultation_flow.py --base-url http://localhost:8080 \\
        --officer-email officer@example.go.th --officer-password '...' --database 'host=… dbname=…' \\
        --screenshots artifacts/browser/consultations
"""

import datetime
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import budget_round_flow  # noqa: E402 - its options, sign-in and outbox reading
import citizen_and_officer_flow as base  # noqa: E402 - the shared browser and checks
from citizen_and_officer_flow import check, run_flow  # noqa: E402

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

OPINIONS = [
    ("agree", "ซอยมืดมากตอนกลางคืน ขอไฟส่องสว่างเพิ่มตลอดทางเท้า"),
    ("agree", "ไฟส่องสว่างเสียหลายดวง กลางคืนเดินกลับบ้านมืดน่ากลัว"),
    ("neutral", "กลางคืนทางเท้ามืด ผู้หญิงเดินคนเดียวไม่กล้า ขอไฟส่องสว่าง"),
    ("disagree", "มอเตอร์ไซค์ขี่บนทางเท้าอันตรายมาก ขอเสากั้นมอเตอร์ไซค์"),
    ("disagree", "มอเตอร์ไซค์ขี่เร็วบนทางเท้า เกือบชนเด็ก ขอให้จับปรับ"),
    ("neutral", "ติดเสากั้นไม่ให้มอเตอร์ไซค์ขี่ขึ้นทางเท้า"),
]


class ConsultationFlow(base.Flow):
    def __init__(self, args):
        super().__init__(args)
        self.path = None
        self.title_text = f"แผนปรับปรุงทางเท้าบางรัก ({self.title[-7:-1]})"
        self.response = "ท่านบอกว่าทางเท้ามืด เราจะติดไฟส่องสว่าง 40 ต้นภายในเดือนมีนาคม"

    def run(self):
        staff = self.browser("staff")
        self.sign_in(staff)
        self.open_consultation(staff)
        resident = self.browser("resident")
        self.give_opinions(resident)
        self.close_consultation()
        self.respond(staff)
        self.see_responses(resident)

    sign_in = budget_round_flow.BudgetFlow.sign_in

    def open_consultation(self, b):
        self.begin("open a consultation")
        b.open("/agency/consultations")
        b.page_checks()
        b.heading("staff_consultations_heading")
        today = datetime.date.today()
        b.type("#consultation-title", self.title_text)
        b.type("#consultation-question", "ท่านเห็นอย่างไรกับร่างแผนปรับปรุงทางเท้าของเขต")
        b.type("#consultation-sections", "ขยายทางเท้าถนนสีลม\nติดไฟส่องสว่างทุก 25 เมตร\nติดเสากั้นรถจักรยานยนต์")
        Select(b.find("#consultation-area")).select_by_value(base.BANG_RAK)
        b.type("#opens-at", (today - datetime.timedelta(days=1)).isoformat())
        b.type("#closes-at", (today + datetime.timedelta(days=14)).isoformat())
        b.screenshot("staff-open")
        b.click_to_next_page(b.find("#open-consultation"))
        match = b.at_path(r"^/agency/consultations/(\d+)$")
        self.path = f"/consultations/{match.group(1)}"
        b.page_checks()
        check(b.present("#live-note"), "an open consultation's themes are not marked live")
        self.log(f"opened {self.path}")

    # The six digits in the newest message to an address in the outbox, as the budget flow reads them.
    read_code = budget_round_flow.BudgetFlow.read_code

    def give_opinions(self, b):
        self.begin("verify and give opinions")
        b.open("/consultations")
        b.page_checks()
        b.heading("consultations_heading")
        b.click_to_next_page(b.driver.find_element(By.CSS_SELECTOR, f"#consultations a[href='{self.path}']"))
        b.page_checks()
        check(b.text("#consultation-title") == self.title_text, "the page shows another consultation")
        check("ติดไฟส่องสว่างทุก 25 เมตร" in b.text("#consultation-sections"), "the draft's sections are not shown")
        address = f"resident.{self.title[-7:-1]}@example.com"
        b.type("#participant-address", address)
        b.screenshot("verify")
        b.click_to_next_page(b.find("#send-code"))
        b.page_checks()
        b.heading("consultation_code_heading")
        b.type("#code", self.read_code(address))
        b.click_to_next_page(b.find("#verify-code"))
        b.page_checks()
        check(self.t["consultation_flash_verified"] in b.text("#flash"), "no word that the resident is verified")
        for number, (stance, text) in enumerate(OPINIONS):
            if number == 0:
                Select(b.find("#opinion-section")).select_by_value("2")
            b.click(b.find(f"#stance-{stance}"))
            b.type("#opinion-text", text)
            if number == 0:
                b.screenshot("opinion-form")
            b.click_to_next_page(b.find("#give-opinion"))
            b.page_checks()
            check(b.text("#flash") == self.t["consultation_flash_opinion"], f"opinion {number + 1} was not thanked for")
        check("6" in b.text("#participation"), "the participation does not count six opinions")
        b.screenshot("opinions-given")
        self.log("verified and gave six opinions")

    def close_consultation(self):
        self.begin("the consultation closes")
        number = self.path.rsplit("/", 1)[1]
        result = subprocess.run(
            ["psql", self.args.database, "-At", "-v", f"id={number}"],
            input="UPDATE consultations SET opens_at = now() - interval '15 days', closes_at = now() - interval '1 minute' "
                  "WHERE id = :'id';",
            capture_output=True, text=True, timeout=30)
        check(result.returncode == 0 and "UPDATE 1" in result.stdout, f"could not close it: {result.stderr}")
        self.log("closed")

    def respond(self, b):
        self.begin("themes, rename, respond, publish")
        b.open("/agency" + self.path)
        b.page_checks()
        check(not b.present("#live-note"), "a closed consultation's themes are still live")
        themes = b.driver.find_elements(By.CSS_SELECTOR, "article.theme h2")
        check(len(themes) == 2, f"{len(themes)} themes, expected the two subjects")
        lights = next((t for t in themes if "ไฟ" in t.text or "มืด" in t.text), None)
        check(lights is not None, f"no theme about the lights: {[t.text for t in themes]}")
        theme = lights.get_attribute("id").rsplit("-", 1)[1]
        b.screenshot("staff-themes")
        b.click(b.find(f"#edit-{theme}"))
        b.type(f"#label-{theme}", "ไฟส่องสว่างและความปลอดภัยยามค่ำ")
        b.click_to_next_page(b.find(f"#rename-{theme}"))
        b.page_checks()
        b.click(b.find(f"#edit-{theme}"))
        b.type(f"#response-{theme}", self.response)
        b.click_to_next_page(b.find(f"#respond-{theme}"))
        b.page_checks()
        b.click_to_next_page(b.find("#publish"))
        b.page_checks()
        check(b.present("#published-note"), "the responses are not marked published")
        b.screenshot("staff-published")
        self.log("renamed, responded and published")

    def see_responses(self, b):
        self.begin("the resident sees the responses")
        b.open(self.path)
        b.page_checks()
        themes = b.text("#themes")
        check("ไฟส่องสว่างและความปลอดภัยยามค่ำ" in themes, "the renamed theme is not shown")
        check(self.response in themes, "the agency's response is not shown")
        check(not b.present("#opinion-text"), "the opinion form is still offered after closing")
        b.screenshot("responses")
        self.log("themes and response shown")


def main():
    args = budget_round_flow.arguments()
    print(f"consultation flow: {args.base_url}, {args.width}px", flush=True)
    return run_flow(ConsultationFlow(args), lambda flow: f"{args.width}px consultation {flow.path}")


if __name__ == "__main__":
    sys.exit(main())
