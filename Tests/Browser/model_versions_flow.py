#!/usr/bin/env python3
"""Drives headless Chromium through an administrator managing the classifier's model versions.

An officer finds no link to the model versions and is refused the page (403). An administrator
signs in, follows the inbox's link to the model versions, and finds two candidate
versions and the default model live. Promoting the worse one is refused on the page with the
comparison (it stays, marked refused); promoting the other makes it live; rolling back makes the
default model live again. Every page goes through the citizen flow's checks (language, no error
summary unless one is expected, no alert, no console or CSP errors, nothing wider than the screen).

    python3 Tests/Browser/model_versions_flow.py --base-url http://localhost:8080 \\
        --admin-email … --officer-email … --password '…' --worse 1 --good 2 --screenshots artifacts/browser
"""

import argparse
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from citizen_and_officer_flow import Flow as CitizenFlow  # noqa: E402
from citizen_and_officer_flow import add_browser_arguments, catalogue, check, run_flow, tools_missing  # noqa: E402


class Flow(CitizenFlow):
    """The administrator's story; logging, browsers, failure reports and closing are the citizen flow's."""

    def __init__(self, args):  # noqa: D107 - the citizen flow's set-up is for its own story
        self.args = args
        self.language = "th"
        self.t = catalogue("th")
        self.screenshots = Path(args.screenshots)
        self.screenshots.mkdir(parents=True, exist_ok=True)
        for old in self.screenshots.glob(f"{args.width}-models-*.png"):
            old.unlink()
        self.number = 0
        self.saved = []
        self.step = "start"
        self.browsers = []
        self.run_id = uuid.uuid4().hex[:6]

    def shot(self, b, step):
        saved_language = self.language
        self.language = "models"
        try:
            b.screenshot(step)
        finally:
            self.language = saved_language

    def run(self):
        self.officer_kept_out(self.browser("officer"))
        b = self.browser("admin")
        self.sign_in(b)
        self.versions_listed(b)
        self.worse_refused(b)
        self.good_promoted(b)
        self.rolled_back(b)

    def sign_in(self, b):
        self.begin("administrator signs in")
        b.open("/agency/sign-in")
        b.type("#email", self.args.admin_email)
        b.type("#password", self.args.password)
        b.click_to_next_page(b.find("#sign-in-submit"))
        b.at_path(r"^/agency/?$")
        b.page_checks()
        self.log("signed in")

    def state(self, b, version):
        return b.find(f"#model-{version}").get_attribute("data-state")

    def live_line(self, b):
        return b.text("#live-model")

    def versions_listed(self, b):
        self.begin("the model versions page")
        b.click_to_next_page(b.find("#models-link"))
        b.at_path(r"^/agency/models$")
        b.page_checks()
        b.heading("models_heading")
        check(self.state(b, self.args.worse) == "candidate", "the worse version is not listed as a candidate")
        check(self.state(b, self.args.good) == "candidate", "the good version is not listed as a candidate")
        check(self.state(b, "default") == "live", "the default model is not shown live")
        check(self.t["stats_model_default"] in self.live_line(b), f"#live-model says {self.live_line(b)!r}")
        self.shot(b, "listed")
        self.log("two candidates and the default model live")

    def refusal_checks(self, b):
        """The page checks for a page that shows an expected refusal (answered 409): the language,
        nothing wider than the screen, and no console message but the refused load."""
        lang = b.driver.find_element("tag name", "html").get_attribute("lang")
        check(lang == self.language, f"html[lang] is {lang!r}")
        scroll, client = b.driver.execute_script(
            "var e = document.documentElement; return [e.scrollWidth, e.clientWidth];")
        check(scroll <= client, f"the refusal is wider than the screen: {scroll}px in {client}px")
        logged = [entry.get("message", "") for entry in b.driver.get_log("browser")]
        check(logged and all("409" in message for message in logged), f"expected only the 409 in the console: {logged}")

    def officer_kept_out(self, b):
        self.begin("an officer is kept out")
        b.open("/agency/sign-in")
        b.type("#email", self.args.officer_email)
        b.type("#password", self.args.password)
        b.click_to_next_page(b.find("#sign-in-submit"))
        b.at_path(r"^/agency/?$")
        b.page_checks()
        check(not b.present("#models-link"), "an officer's inbox links to the model versions")
        b.open("/agency/models")
        check(not b.present("#model-versions"), "an officer sees the model versions")
        check("403" in " ".join(entry.get("message", "") for entry in b.driver.get_log("browser")),
              "the model versions page did not answer an officer 403")
        self.log("an officer gets 403 and no link")

    def worse_refused(self, b):
        self.begin("promoting the worse version")
        b.click_to_next_page(b.find(f"#model-{self.args.worse} .promote-model"))
        self.refusal_checks(b)
        check(b.present("#errors"), "no refusal shown for a worse model")
        check("แย่กว่ารุ่นที่ใช้อยู่" in b.text("#errors"), f"the refusal does not say why: {b.text('#errors')!r}")
        check(self.state(b, self.args.worse) == "refused", "the worse version is not marked refused")
        check(b.present(f"#model-{self.args.worse} .force-model"), "a refused version cannot be taken back by force")
        check(self.state(b, "default") == "live", "the default model is no longer live after a refusal")
        self.shot(b, "refused")
        self.log("refused, with the comparison")

    def good_promoted(self, b):
        self.begin("promoting the good version")
        b.click_to_next_page(b.find(f"#model-{self.args.good} .promote-model"))
        b.at_path(r"^/agency/models\?done=promoted$")
        b.page_checks()
        check(b.present("#flash"), "no confirmation of the promotion")
        check(self.state(b, self.args.good) == "live", "the good version is not live")
        check(self.state(b, "default") == "default", "the default model still shows live")
        expected = self.t["stats_model_numbered"].replace("{version}", str(self.args.good))
        check(expected in self.live_line(b), f"#live-model says {self.live_line(b)!r}, not {expected!r}")
        self.shot(b, "promoted")
        self.log(f"version {self.args.good} live")

    def rolled_back(self, b):
        self.begin("rolling back")
        b.click_to_next_page(b.find("#rollback-model"))
        b.at_path(r"^/agency/models\?done=rolled-back$")
        b.page_checks()
        check(self.state(b, "default") == "live", "the default model is not live again")
        check(self.state(b, self.args.good) == "rolled_back", "the version rolled back is not marked so")
        check(not b.present("#rollback-model"), "rollback is still offered with the default model live")
        self.shot(b, "rolled-back")
        self.log("the default model live again")


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--admin-email", required=True)
    parser.add_argument("--officer-email", required=True, help="an officer, who must be kept out")
    parser.add_argument("--password", required=True, help="both accounts' password")
    parser.add_argument("--worse", required=True, help="the id of a candidate worse than the default model")
    parser.add_argument("--good", required=True, help="the id of a candidate as good as the default model")
    parser.add_argument("--screenshots", required=True)
    parser.add_argument("--width", type=int, default=1280)
    add_browser_arguments(parser)
    return parser.parse_args()


def main():
    args = arguments()
    if tools_missing(args):
        return 2
    return run_flow(Flow(args), lambda flow: f"{args.width}px, versions {args.worse} refused and {args.good} promoted")


if __name__ == "__main__":
    sys.exit(main())
