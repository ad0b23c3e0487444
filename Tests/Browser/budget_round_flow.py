#!/usr/bin/env python3
"""Drives a real headless Chromium through a participatory-budgeting round, from ideas to results.

An officer signs in and opens a round for Bang Rak; a resident submits an idea; the officer closes
the ideas phase, makes the idea into a costed project and adds two more, and opens the vote; four
residents verify themselves with one-time codes (read from the outbox, as the one-time-code tests
read them: the message the person would receive) and vote with knapsack ballots, one of them first
trying a ballot over the budget, which the server refuses; the officer closes the vote, publishes
the results and reports progress on a winner; a visitor sees the results explained and the progress.

Every page goes through the same checks as the citizen flow (language, no error summary unless one
is expected, no alert, no console or CSP errors, nothing wider than the screen) and a full-page
screenshot of each step is saved as `<width>-<language>-NN-<step>.png` under --screenshots.

    python3 Tests/Browser/budget_round_flow.py --base-url http://localhost:8080 \\
        --officer-email officer@example.go.th --officer-password '...' --database 'host=… dbname=…' \\
        --screenshots artifacts/browser/budgets
"""

import argparse
import datetime
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import citizen_and_officer_flow as base  # noqa: E402 - the shared browser and checks
from citizen_and_officer_flow import CheckFailed, check, run_flow, whole_number  # noqa: E402

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

BANG_RAK = base.BANG_RAK


class BudgetFlow(base.Flow):
    def __init__(self, args):
        super().__init__(args)
        self.round_path = None
        self.round_name = f"งบชุมชนบางรัก ทดสอบ ({self.title[-7:-1]})"
        self.idea_title = "ไฟส่องสว่างซอยสีลม 5"

    def run(self):
        staff = self.browser("staff")
        self.sign_in(staff)
        self.open_round(staff)
        resident = self.browser("resident")
        self.submit_idea(resident)
        self.review(staff)
        voter = self.browser("voter")
        self.vote(voter)
        self.publish(staff)
        self.results(resident)

    def sign_in(self, b):
        self.begin("staff sign-in")
        b.open("/agency/sign-in")
        b.page_checks()
        b.type("#email", self.args.officer_email)
        b.type("#password", self.args.officer_password)
        b.click_to_next_page(b.find("#sign-in-submit"))
        b.at_path(r"^/agency/?$")
        self.log("signed in")

    def open_round(self, b):
        self.begin("open a round")
        b.open("/agency/budgets")
        b.page_checks()
        b.heading("staff_budgets_heading")
        today = datetime.date.today()
        b.type("#round-name", self.round_name)
        b.type("#round-budget", "1000000")
        Select(b.find("#round-area")).select_by_value(BANG_RAK)
        for field, days in (("#ideas-from", -1), ("#review-from", 10), ("#vote-from", 20), ("#vote-until", 30)):
            b.type(field, (today + datetime.timedelta(days=days)).isoformat())
        b.click(b.find("#rule-shares"))
        b.screenshot("staff-open-round")
        b.click_to_next_page(b.find("#open-round"))
        match = b.at_path(r"^/agency/budgets/(\d+)$")
        self.round_path = f"/budgets/{match.group(1)}"
        b.page_checks()
        check(b.text("#staff-round-phase") == self.t["budget_phase_ideas"], "the new round is not collecting ideas")
        b.screenshot("staff-round")
        self.log(f"opened {self.round_path}")

    def submit_idea(self, b):
        self.begin("submit an idea")
        b.open("/budgets")
        b.page_checks()
        b.heading("budgets_heading")
        link = b.driver.find_element(By.CSS_SELECTOR, f"#rounds a[href='{self.round_path}']")
        b.screenshot("rounds")
        b.click_to_next_page(link)
        b.page_checks()
        check(b.text("#round-name") == self.round_name, "the round page shows another round")
        b.type("#idea-title", self.idea_title)
        b.type("#idea-text", "ซอยมืดมากตอนกลางคืน ขอไฟส่องสว่างอย่างน้อยสี่ต้น")
        b.type("#idea-name", "สมศรี ผู้เสนอ")
        b.screenshot("idea-form")
        b.click_to_next_page(b.find("#submit-idea"))
        b.page_checks()
        check(b.text("#flash") == self.t["budget_flash_idea"], "no thanks for the idea")
        check(self.idea_title in b.text("#ideas"), "the idea is not listed")
        check("สมศรี" not in b.text("#ideas"), "the contact name shows in public")
        b.screenshot("idea-sent")
        self.log("idea submitted, listed, contact kept apart")

    def close_phase(self, b, phase):
        b.click_to_next_page(b.find("#close-phase"))
        b.page_checks()
        check(b.text("#staff-round-phase") == self.t[f"budget_phase_{phase}"], f"the round did not move to {phase}")

    def review(self, b):
        self.begin("review ideas into projects")
        b.open("/agency" + self.round_path)
        self.close_phase(b, "review")
        form = b.find("form[id^='make-project-']")
        idea = form.get_attribute("id").rsplit("-", 1)[1]
        check("สมศรี" in b.text(f"#staff-idea-{idea}"), "staff do not see the idea's contact")
        b.type(f"#project-cost-{idea}", "450000")
        b.type(f"#project-feasibility-{idea}", "เขตติดตั้งเองได้ภายใน 3 เดือน")
        b.screenshot("staff-review")
        b.click_to_next_page(b.find(f"#make-project-submit-{idea}"))
        b.page_checks()
        for title, cost in (("สวนหย่อมริมคลอง", "500000"), ("ถังขยะแยกประเภท", "300000")):
            b.type("#new-project-title", title)
            b.type("#new-project-cost", cost)
            b.type("#new-project-feasibility", "ทำได้")
            b.click_to_next_page(b.find("#new-project-submit"))
            b.page_checks()
        check(len(b.driver.find_elements(By.CSS_SELECTOR, "#staff-projects li")) == 3, "three projects expected")
        self.close_phase(b, "vote")
        b.screenshot("staff-vote-open")
        self.log("one idea made a project, two more added, vote open")

    def read_code(self, address):
        """The six digits in the newest message to `address` in the outbox, as its reader sees it."""
        result = subprocess.run(
            ["psql", self.args.database, "-At", "-v", f"address={address}"],
            input="SELECT body FROM outbox WHERE recipient = :'address' ORDER BY id DESC LIMIT 1;",
            capture_output=True, text=True, timeout=30)
        check(result.returncode == 0, f"psql failed: {result.stderr}")
        digits = re.findall(r"\b\d{6}\b", result.stdout)
        check(digits, f"no code in the message to {address}: {result.stdout!r}")
        return digits[0]

    def vote(self, b):
        ballots = [("lights-park", ["ไฟส่องสว่าง", "สวนหย่อม"])] * 2 + [("bins", ["ถังขยะ"])] * 2
        for number, (name, titles) in enumerate(ballots):
            self.begin(f"voter {number + 1}")
            b.driver.delete_all_cookies()
            b.open(self.round_path)
            b.page_checks()
            address = f"voter{number}.{self.title[-7:-1]}@example.com"
            b.type("#voter-address", address)
            Select(b.find("#voter-area")).select_by_value(BANG_RAK)
            if number == 0:
                b.screenshot("verify")
            b.click_to_next_page(b.find("#send-code"))
            b.page_checks()
            b.heading("budget_code_heading")
            b.type("#code", self.read_code(address))
            if number == 0:
                b.screenshot("code")
            b.click_to_next_page(b.find("#verify-code"))
            b.page_checks()
            boxes = b.driver.find_elements(By.CSS_SELECTOR, "#ballot-form input[type=checkbox]")
            labels = {box.get_attribute("id"): b.text(f"label[for='{box.get_attribute('id')}']") for box in boxes}
            if number == 0:
                self.begin("ballot over the budget")
                for box in boxes:
                    b.click(box)
                total = whole_number(b.text("#ballot-total-amount"))
                check(total == 1_250_000, f"the running total shows {total}, expected 1,250,000")
                b.screenshot("ballot-over-budget")
                b.click_to_next_page(b.find("#cast-ballot"))
                check(b.present("#errors"), "a ballot over the budget was not refused")
                check("1,250,000" in b.text("#errors") or "1250000" in b.text("#errors"), "the refusal does not say the total")
                b.screenshot("ballot-refused")
                # The refusal is a 422 page, which the console reports; anything else there is still an error.
                for entry in b.driver.get_log("browser"):
                    check("status of 422" in entry.get("message", "") or entry.get("level") != "SEVERE",
                          f"browser console: {entry}")
                self.log("over-budget ballot refused with the total")
                self.begin(f"voter {number + 1}")
                boxes = b.driver.find_elements(By.CSS_SELECTOR, "#ballot-form input[type=checkbox]")
            for box in boxes:
                wanted = any(title in labels[box.get_attribute("id")] for title in titles)
                if box.is_selected() != wanted:
                    b.click(box)
            b.click_to_next_page(b.find("#cast-ballot"))
            b.page_checks()
            check(b.text("#flash") == self.t["budget_flash_ballot"], "the ballot was not saved")
            check(b.present("#ballot-saved"), "the page does not say the voter has voted")
            if number == 0:
                b.screenshot("ballot-saved")
            self.log(f"voted for {name}")

    def publish(self, b):
        self.begin("publish results")
        b.open("/agency" + self.round_path)
        self.close_phase(b, "results")
        b.click_to_next_page(b.find("#publish-results"))
        b.page_checks()
        form = b.find("form[id^='progress-']")
        project = form.get_attribute("id").rsplit("-", 1)[1]
        Select(b.find(f"#progress-select-{project}")).select_by_value("in_progress")
        b.type(f"#progress-note-{project}", "เริ่มงานแล้ว ผู้รับจ้างเข้าพื้นที่")
        b.click_to_next_page(b.find(f"#progress-submit-{project}"))
        b.page_checks()
        b.screenshot("staff-progress")
        self.log("results published, progress reported")

    def results(self, b):
        self.begin("public results")
        b.driver.delete_all_cookies()
        b.open(self.round_path)
        b.page_checks()
        check(b.text("#round-phase") == self.t["budget_phase_results"], "the round is not in results")
        rows = b.driver.find_elements(By.CSS_SELECTOR, "#results-table tbody tr")
        won = [row.text for row in rows if "won" in row.get_attribute("class").split()]
        check(len(rows) == 3, f"{len(rows)} result rows, expected 3")
        # Equal Shares: four voters, 250,000 baht each; every project costs its two supporters half a baht
        # per baht of it, so the one created first goes first: the lights (450,000), which leaves their
        # supporters 25,000 each, too little for the park; the bins (300,000) are paid by their own two.
        # (Most votes first takes the lights and the park, 950,000, and then the bins no longer fit.)
        check(len(won) == 2 and any("ไฟส่องสว่าง" in row for row in won) and any("ถังขยะ" in row for row in won),
              f"the winners are not the lights and the bins: {won}")
        check("สวนหย่อม" in b.text("#results"), "the other rule's winners are not shown")
        check(self.t["budget_rule_equal_shares"] in b.text("#results"), "the binding rule is not named")
        check("เริ่มงานแล้ว" in b.text("#progress"), "the progress is not public")
        b.screenshot("results")
        # Each winner became an adopted proposal: the results link to it, and it links back to the round.
        links = b.driver.find_elements(By.CSS_SELECTOR, "#results-table tbody tr.won a.winner-proposal")
        check(len(links) == 2, f"{len(links)} winners link to their proposals, expected 2")
        b.click_to_next_page(links[0])
        b.page_checks()
        check(b.driver.current_url.split("?")[0].split("/proposals/")[-1].startswith("PR-"), "the link is not a proposal's page")
        check(b.driver.find_elements(By.CSS_SELECTOR, f'#proposal-budget-winner a[href="{self.round_path}"]'),
              "the proposal does not name and link its budget round")
        self.log("results explained and progress shown; winners followed as proposals")


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--officer-email", required=True, help="an officer of Bang Rak's district office")
    parser.add_argument("--officer-password", required=True)
    parser.add_argument("--database", required=True, help="libpq connection string of the server's database")
    parser.add_argument("--screenshots", required=True, metavar="DIR")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--language", choices=("th",), default="th")
    parser.add_argument("--timeout", type=float, default=20)
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--chromedriver",
                        default=os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return parser.parse_args()


def main():
    args = arguments()
    print(f"budget flow: {args.base_url}, {args.width}px", flush=True)
    return run_flow(BudgetFlow(args), lambda flow: f"{args.width}px budget round {flow.round_path}")


if __name__ == "__main__":
    sys.exit(main())
