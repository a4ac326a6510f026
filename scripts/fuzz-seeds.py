#!/usr/bin/env python3
"""Writes fuzz/seeds/<target>/: small inputs shaped like the test fixtures (tests/support/*_payloads.rs,
*_server.rs) and the repo's own config and theme files. Run from the repository root; the output
is committed, so this only runs again when a payload shape changes."""
import json, os, pathlib, shutil

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fuzz" / "seeds"
SHA = "a3f1c2d4e5b60718293a4b5c6d7e8f9012345678"


def write(target, name, data):
    d = SEEDS / target
    d.mkdir(parents=True, exist_ok=True)
    if not isinstance(data, (bytes, str)):
        data = json.dumps(data, indent=1)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def copy(target, path):
    write(target, path.name, path.read_bytes())


# The config loader and theme files: the repo's own.
copy("config_parse", ROOT / "config.example.toml")
copy("config_parse", ROOT / "crates/config/src/starter.toml")
write("config_parse", "keys.toml", '[keys]\n"ctrl+r" = "refresh"\nq = "quit"\n[theme]\nname = "nord"\n')
for theme in sorted((ROOT / "themes").glob("*.toml")):
    copy("theme_file", theme)

# GitHub (API version 2022-11-28).
user = {"login": "alice", "id": 1001, "type": "User", "site_admin": False}
commit = {"sha": SHA, "commit": {"author": {"name": "Alice", "email": "alice@acme.example", "date": "2026-03-02T10:00:00Z"},
          "committer": {"name": "GitHub", "email": "noreply@github.com", "date": "2026-03-02T10:05:00Z"},
          "message": "Fix the checkout total (#42)\n\nThis reverts commit 0123456789abcdef0123456789abcdef01234567."},
          "author": user, "parents": [{"sha": SHA[::-1]}]}
write("github_payloads", "commits.json", [commit])
write("github_payloads", "comparison.json", {"status": "ahead", "total_commits": 1, "commits": [commit]})
write("github_payloads", "deployments.json", [{"id": 7, "sha": SHA, "ref": "v1.2.0", "task": "deploy", "environment": "production",
      "created_at": "2026-03-02T11:00:00Z", "updated_at": "2026-03-02T11:05:00Z", "production_environment": True, "creator": user}])
write("github_payloads", "statuses.json", [{"id": 70, "state": "in_progress", "created_at": "2026-03-02T11:00:10Z"},
      {"id": 71, "state": "success", "created_at": "2026-03-02T11:04:00Z", "environment_url": "https://acme.example",
       "log_url": "https://github.com/acme/api/actions/runs/1", "target_url": None}])
write("github_payloads", "runs.json", {"total_count": 1, "workflow_runs": [{"id": 1, "name": "deploy", "path": ".github/workflows/deploy.yml@main",
      "head_branch": "main", "head_sha": SHA, "status": "completed", "conclusion": "failure", "created_at": "2026-03-02T11:00:00Z",
      "updated_at": "2026-03-02T11:09:00Z", "run_started_at": "2026-03-02T11:00:05Z", "run_attempt": 2, "html_url": "https://github.com/acme/api/actions/runs/1"}]})
write("github_payloads", "pulls.json", [{"number": 42, "title": "Fix the checkout total", "body": None, "user": user, "html_url": None,
      "created_at": "2026-03-01T10:00:00Z", "updated_at": "2026-03-02T10:00:00Z", "closed_at": "2026-03-02T10:00:00Z",
      "merged_at": "2026-03-02T10:00:00Z", "merge_commit_sha": SHA, "head": {"ref": "fix/total"}}])
write("github_payloads", "reviews.json", [{"user": user, "state": "APPROVED", "submitted_at": "2026-03-01T12:00:00Z"}])
write("github_payloads", "issues.json", [{"number": 9, "title": "Checkout down", "body": "since 10:00", "labels": [{"name": "incident"}, "sev1"],
      "state": "closed", "html_url": None, "created_at": "2026-03-02T10:00:00Z", "updated_at": "2026-03-02T12:00:00Z",
      "closed_at": "2026-03-02T12:00:00Z", "pull_request": None}])
write("github_payloads", "repository.json", {"full_name": "acme/api", "private": True})

# GitLab REST v4.
ref = {"id": 5, "username": "alice"}
glcommit = {"id": SHA, "short_id": SHA[:8], "title": "Fix the total", "message": "Revert \"Fix\"\n\nThis reverts merge request !45",
            "author_name": "Alice", "authored_date": "2026-03-02T10:00:00.000+01:00", "committed_date": "2026-03-02T10:00:00.000Z",
            "parent_ids": [SHA[::-1]]}
write("gitlab_payloads", "commits.json", [glcommit])
write("gitlab_payloads", "compare.json", {"commits": [glcommit], "diffs": []})
write("gitlab_payloads", "deployments.json", [{"id": 41, "iid": 4, "ref": "main", "sha": SHA, "created_at": "2026-03-02T11:00:00.000Z",
      "updated_at": "2026-03-02T11:05:00.000Z", "finished_at": "2026-03-02T11:05:00.000Z", "status": "failed",
      "environment": {"id": 3, "name": "production"}, "deployable": {"tag": False, "started_at": "2026-03-02T11:00:00.000Z",
      "finished_at": None, "web_url": "https://gitlab.example/acme/api/-/jobs/9"}}])
write("gitlab_payloads", "pipelines.json", [{"id": 9, "sha": SHA, "ref": "main", "status": "success", "source": "push", "name": None,
      "created_at": "2026-03-02T11:00:00.000Z", "updated_at": "2026-03-02T11:09:00.000Z", "web_url": "https://gitlab.example/acme/api/-/pipelines/9"}])
write("gitlab_payloads", "pipeline_detail.json", {"status": "failed", "started_at": "2026-03-02T11:00:01.000Z", "finished_at": "2026-03-02T11:09:00.000Z"})
write("gitlab_payloads", "merge_requests.json", [{"iid": 45, "title": "Fix", "description": None, "state": "merged",
      "created_at": "2026-03-01T10:00:00.000Z", "updated_at": "2026-03-02T10:00:00.000Z", "merged_at": "2026-03-02T10:00:00.000Z",
      "closed_at": None, "sha": SHA, "merge_commit_sha": SHA, "squash_commit_sha": None, "source_branch": "fix",
      "web_url": "https://gitlab.example/acme/api/-/merge_requests/45", "author": ref}])
write("gitlab_payloads", "notes.json", [{"id": 1, "body": "approved this merge request", "author": ref, "created_at": "2026-03-01T11:00:00.000Z", "system": True}])
write("gitlab_payloads", "project.json", {"id": 1, "path_with_namespace": "acme/api", "web_url": "https://gitlab.example/acme/api", "visibility": "private"})
write("gitlab_payloads", "environments.json", [{"id": 3, "name": "production", "tier": "production"}])

# PagerDuty REST v2.
svc = {"id": "PSVC1", "type": "service_reference", "summary": "Checkout", "self": "https://api.pagerduty.com/services/PSVC1", "html_url": None}
inc = {"id": "Q1", "type": "incident", "incident_number": 1, "title": "Checkout 500s", "summary": "[#1] Checkout 500s",
       "html_url": "https://acme.pagerduty.com/incidents/Q1", "created_at": "2026-03-02T10:00:00Z", "updated_at": "2026-03-02T11:00:00Z",
       "last_status_change_at": "2026-03-02T11:00:00Z", "resolved_at": "2026-03-02T11:00:00Z", "status": "resolved", "urgency": "high",
       "service": svc, "priority": {"id": "PPRIP1", "type": "priority", "summary": "P1", "name": "P1"}, "teams": [], "assignments": []}
write("pagerduty_payloads", "page.json", {"incidents": [inc], "limit": 100, "offset": 0, "more": False, "total": None})
write("pagerduty_payloads", "one.json", {"incident": dict(inc, status="triggered", resolved_at=None)})

# Opsgenie Alert API v2.
alert = {"id": "70413a06-38d6-4c85-92b8-5ebc900d42e2", "tinyId": "1791", "alias": "a", "message": "Checkout down", "status": "closed",
         "acknowledged": True, "tags": ["service:checkout", "sev1"], "createdAt": "2026-03-02T10:00:00.000Z", "updatedAt": "2026-03-02T11:00:00.000Z",
         "source": "Datadog", "priority": "P1", "integration": {"id": "4513", "name": "Datadog", "type": "API"},
         "report": {"ackTime": 60000, "closeTime": 3600000, "closedBy": "alice@example.com"}}
write("opsgenie_payloads", "page.json", {"data": [alert], "paging": {"next": "https://api.opsgenie.com/v2/alerts?offset=100", "first": "x"}, "took": 0.1, "requestId": "r"})
write("opsgenie_payloads", "one.json", {"data": dict(alert, status="open", report={}), "took": 0.1, "requestId": "r"})

# Prometheus HTTP API and Alertmanager API v2.
labels = {"__name__": "ALERTS", "alertname": "HighErrorRate", "alertstate": "firing", "service": "checkout", "severity": "critical"}
t0 = 1_700_000_000.0 + 3600
write("prometheus_responses", "matrix.json", {"status": "success", "data": {"resultType": "matrix",
      "result": [{"metric": labels, "values": [[t0 + 30 * i, "1"] for i in range(8)] + [[t0 + 7200, "1"]]}]}})
write("prometheus_responses", "vector.json", {"status": "success", "data": {"resultType": "vector", "result": [{"metric": labels, "value": [t0, "1"]}]}})
write("prometheus_responses", "alerts.json", {"status": "success", "data": {"alerts": [{"labels": labels, "annotations": {"summary": "5xx above 5%", "description": "checkout"}, "state": "firing", "activeAt": "2026-03-02T10:00:00Z", "value": "1e+00"}]}})
write("prometheus_responses", "error.json", {"status": "error", "errorType": "bad_data", "error": "invalid parameter \"query\"", "warnings": ["w"]})
write("prometheus_responses", "buildinfo.json", {"status": "success", "data": {"version": "2.53.0", "revision": "x"}})
write("prometheus_responses", "alertmanager.json", [{"labels": labels, "annotations": {"summary": "5xx"}, "status": {"state": "suppressed", "silencedBy": ["s1"], "inhibitedBy": []},
      "fingerprint": "f", "startsAt": "2026-03-02T10:00:00Z"}])
write("prometheus_responses", "amstatus.json", {"versionInfo": {"version": "0.27.0"}, "cluster": {"status": "ready"}})

# Link and rate-limit headers.
write("link_header", "github", '<https://api.github.com/repositories/1296269/pulls?page=3>; rel="next", <https://api.github.com/repositories/1296269/pulls?page=9>; rel="last"')
write("link_header", "gitlab", '<https://gitlab.example/api/v4/projects/1/deployments?id_after=41&per_page=100>; rel="next"; title="x", </relative?p=1>; rel="first prev"')
write("ratelimit_headers", "github-primary", "x-ratelimit-limit: 5000\nx-ratelimit-remaining: 0\nx-ratelimit-reset: 1700000600\nx-ratelimit-resource: core\n\n{\"message\":\"API rate limit exceeded for user ID 1.\"}")
write("ratelimit_headers", "github-secondary", "retry-after: 60\n\n{\"message\":\"You have exceeded a secondary rate limit.\"}")
write("ratelimit_headers", "gitlab", "RateLimit-Limit: 2000\nRateLimit-Remaining: 0\nRateLimit-Reset: 1700000060\nRetry-After: Wed, 21 Oct 2026 07:28:00 GMT\n\nRetry later")
write("ratelimit_headers", "opsgenie", "X-RateLimit-State: THROTTLED\nX-RateLimit-Period-In-Sec: 60\n\n{\"message\":\"rate\"}")

# The open event format, flowdeck.events/v1 (docs/EVENTS.md): one batch of every type, and removals.
SHA2 = "1111111111111111111111111111111111111111"
write("events_format", "batch.ndjson", "\n".join(json.dumps(line, separators=(",", ":")) for line in [
    {"type": "service", "name": "api", "team": "payments"},
    {"type": "deployment", "id": "d1", "service": "api", "environment": "prod", "sha": SHA.upper(), "name": "v1",
     "started_at": "2026-03-02T09:50:00Z", "finished_at": "2026-03-02T10:00:00+01:00", "status": "success",
     "changes": [{"sha": SHA2, "authored_at": "2026-03-01T10:00:00Z", "author": "ann", "title": "Add cache", "pr": 12},
                 {"sha": SHA[::-1], "authored_at": "2026-03-01T11:00:00Z", "author": "bob",
                  "message": "Revert \"x\"\n\nThis reverts commit " + SHA2 + ".", "merge": True}]},
    {"type": "incident", "id": "i1", "services": ["api", "web"], "title": "5xx \u001b[31m", "severity": "sev1", "labels": ["a=b"],
     "started_at": "2026-03-02T11:00:00Z", "resolved_at": None},
    {"type": "pipeline_run", "id": "r1", "service": "api", "workflow": "ci", "branch": "main", "sha": SHA, "status": "completed",
     "conclusion": "failure", "attempt": 2, "created_at": "2026-03-02T09:00:00Z", "finished_at": "2026-03-02T09:10:00.123456789Z"},
    {"type": "pull_request", "service": "api", "number": 12, "title": "Add cache", "author": "ann", "created_at": "2026-03-01T09:00:00Z",
     "merged_at": "2026-03-01T12:00:00Z", "merge_sha": SHA, "reverts_pr": 3},
]) + "\n")
write("events_format", "removals.ndjson", '{"type":"deployment","id":"d2","deleted":true}\n\n'
      '{"type":"pull_request","service":"api","number":12,"deleted":true}\n{"type":"incident","id":"i1","deleted":true}\n')
