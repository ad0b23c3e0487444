"""Counts budget instances with pabutools, the reference Siang's BudgetCount is checked against.

Reads a JSON list of instances on stdin ({"budget": int, "projects": [{"id": int, "cost": int}],
"ballots": [[id, ...], ...]}) and writes a JSON list of {"greedy": [ids], "equal_shares": [ids]},
each in the order the rule chose them. Used by Tests/DomainTests/BudgetCountPabutoolsTests.swift.

The choices are Siang's (see Sources/Domain/BudgetCount.swift): Cost_Sat for both rules; Equal
Shares completed by pabutools' iterated variant with a per-voter increment of 1% of the starting
share; projects named by zero-padded ids so that pabutools' lexicographic tie-break prefers the
smaller id; projects without votes left out (Siang never funds them, whereas pabutools' greedy would
fill leftover budget with them).
"""
import json
import sys

from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, Instance, Project
from pabutools.fractions import frac
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares


def name(project_id):
    return "p%012d" % project_id


def count(instance):
    voted = {p for ballot in instance["ballots"] for p in ballot}
    projects = {p["id"]: Project(name(p["id"]), p["cost"]) for p in instance["projects"] if p["id"] in voted}
    election = Instance(projects.values(), budget_limit=instance["budget"])
    profile = ApprovalProfile(
        [ApprovalBallot({projects[p] for p in ballot if p in projects}) for ballot in instance["ballots"]])
    greedy = greedy_utilitarian_welfare(election, profile, sat_class=Cost_Sat)
    if profile.num_ballots() == 0:
        equal_shares = []
    else:
        equal_shares = method_of_equal_shares(
            election, profile, sat_class=Cost_Sat,
            voter_budget_increment=frac(instance["budget"], 100 * profile.num_ballots()))
    return {
        "greedy": [int(p.name[1:]) for p in greedy],
        "equal_shares": [int(p.name[1:]) for p in equal_shares],
    }


if __name__ == "__main__":
    json.dump([count(i) for i in json.load(sys.stdin)], sys.stdout)
