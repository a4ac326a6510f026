use chrono::{TimeZone, Utc};

use super::*;

#[test]
#[ignore]
fn dump() {
    let now = Utc.with_ymd_and_hms(2025, 6, 11, 14, 30, 0).unwrap();
    let set = generate(now);
    for d in &set.deployments {
        println!(
            "{} {:?} {} {} {:?} sha={} ref={:?} changes={}",
            d.finished_at.format("%a %m-%d %H:%M"),
            d.status,
            d.environment,
            d.id,
            d.name,
            &d.sha[..10],
            d.ref_name,
            d.changes.len()
        );
        for c in &d.changes {
            println!(
                "     {} {} {:>16} pr={:?} m={} rev={:?} lead={:.1}h {}",
                &c.sha[..8],
                c.authored_at.format("%a %m-%d %H:%M"),
                c.author,
                c.pr,
                c.merge,
                c.reverts.as_deref().map(|s| &s[..8]),
                (d.finished_at - c.authored_at).num_minutes() as f64 / 60.0,
                c.title
            );
        }
    }
    for p in &set.pull_requests {
        println!(
            "PR {} #{} {:?} by {} created {} fc {:?} rev {:?} merged {:?} closed {:?} {:?} reverts={:?}",
            p.service,
            p.number,
            p.title,
            p.author,
            p.created_at.format("%a %m-%d %H:%M"),
            p.first_commit_at
                .map(|t| t.format("%a %m-%d %H:%M").to_string()),
            p.first_review_at
                .map(|t| t.format("%a %m-%d %H:%M").to_string()),
            p.merged_at.map(|t| t.format("%a %m-%d %H:%M").to_string()),
            p.closed_at.map(|t| t.format("%a %m-%d %H:%M").to_string()),
            p.head_branch,
            p.reverts_pr
        );
    }
    for i in &set.incidents {
        println!(
            "INC {} {:?} {} {:?} {} -> {:?} | {:?}",
            i.id,
            i.services,
            i.severity.as_deref().unwrap_or(""),
            i.title,
            i.started_at.format("%a %m-%d %H:%M"),
            i.resolved_at
                .map(|t| t.format("%a %m-%d %H:%M").to_string()),
            i.body
        );
    }
    println!("runs: {}", set.pipeline_runs.len());
    for r in set.pipeline_runs.iter().rev().take(12) {
        println!("{:?}", r);
    }
}
