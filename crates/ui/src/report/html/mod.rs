//! The HTML report: one self-contained file (inline CSS, inline SVG charts, no script, no
//! external fonts or images) that works offline and prints sensibly. Text from sources is
//! escaped (`escape`), URLs become links only when they are http(s). A Content-Security-Policy
//! forbids scripts and every external load, should anything ever slip through the escaping.

mod charts;
pub(crate) mod escape;
mod health;
mod sections;
mod style;
mod table;
mod tables;

use std::fmt::Write as _;

use super::RenderOptions;
use super::words;
use crate::snapshot::Snapshot;

pub(crate) use charts::MAX_TIMELINE_ROWS;

pub(crate) fn render(snapshot: &Snapshot, options: RenderOptions) -> String {
    let limit = options.max_items;
    let mut out = String::with_capacity(96 * 1024);
    let tz = words::timezone(snapshot);
    let scope = if snapshot.scope.kind == "all" {
        String::new()
    } else {
        format!(" · {}", snapshot.scope.describe())
    };
    let _ = writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">\n\
         <meta name=\"generator\" content=\"flowdeck {}\">\n\
         <title>Delivery report {} → {}{} · flowdeck</title>\n<style>{}</style>\n</head>\n<body>",
        env!("CARGO_PKG_VERSION"),
        words::local_time(tz, snapshot.window.from),
        words::local_time(tz, snapshot.window.to),
        escape::text(&scope),
        style::CSS
    );
    sections::header(&mut out, snapshot);
    out.push_str("<main>\n");
    sections::headline(&mut out, snapshot);

    out.push_str(
        "<section id=\"charts\" class=\"page\">\n<h2>Deployments, lead time and failures</h2>\n\
         <div class=\"charts\">\n<figure>\n<figcaption>Deployments per day (local days)</figcaption>\n",
    );
    charts::deployments(&mut out, snapshot);
    out.push_str(
        "</figure>\n<figure>\n<figcaption>Lead time for changes: changes per bucket</figcaption>\n",
    );
    charts::lead_times(&mut out, snapshot);
    let timeline_rows = limit.min(MAX_TIMELINE_ROWS);
    let _ = writeln!(
        out,
        "</figure>\n<figure class=\"wide\">\n<figcaption>Failed deployments (▲ markers) and their \
         recovery (bars); a dashed bar is not recovered yet. At most the {timeline_rows} most \
         recent are drawn.</figcaption>"
    );
    charts::failures(&mut out, snapshot, timeline_rows);
    out.push_str("</figure>\n</div>\n</section>\n");
    health::section(&mut out, snapshot, limit);

    sections::flow(&mut out, snapshot);
    tables::services(&mut out, snapshot, limit);
    tables::teams(&mut out, snapshot, limit);
    tables::failed_deployments(&mut out, snapshot, limit);
    tables::incidents(&mut out, snapshot, limit);
    tables::ci(&mut out, snapshot, limit);
    tables::deployments(&mut out, snapshot, limit);
    sections::definitions(&mut out, snapshot);
    tables::sources(&mut out, snapshot, limit);
    out.push_str("</main>\n");
    let _ = writeln!(
        out,
        "<footer>flowdeck {} · {} · the JSON report (<code>--format json</code>) carries every \
         item behind these numbers.</footer>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION"),
        escape::text(snapshot.schema)
    );
    out
}
